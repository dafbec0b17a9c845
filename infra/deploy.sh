#!/usr/bin/env bash
# Deploys CloudWg to Azure: infrastructure (infra/azuredeploy.json, compiled from
# infra/bicep/main.bicep), the function app package and the SPA. Safe to re-run: that is how
# upgrades are done (infra/README.md).
#
# Usage: infra/deploy.sh --resource-group NAME [--location REGION] [--name-prefix PREFIX]
#                        [--skip-package] [--skip-spa]
#   --resource-group  resource group to create or update (required)
#   --location        region for a new resource group (default: westeurope)
#   --name-prefix     resource name prefix, 2-10 lowercase letters/digits (default: cloudwg)
#   --skip-package    deploy the existing artifacts/ instead of running infra/package.sh
#   --skip-spa        do not upload the SPA
#
# Needs: Azure CLI (`az login` done, subscription selected), and for the SPA Node.js (package.sh
# builds it; npx runs the Static Web Apps CLI that uploads it) and unzip.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
template="$repo_root/infra/azuredeploy.json"
artifacts="$repo_root/artifacts"
deployment_name=cloudwg
resource_group=''
location=westeurope
name_prefix=cloudwg
skip_package=false
skip_spa=false

die() {
  echo "deploy.sh: $*" >&2
  exit 1
}

log() {
  echo "deploy.sh: $*"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --resource-group | -g) resource_group=${2:?--resource-group needs a name}; shift 2 ;;
    --location | -l) location=${2:?--location needs a region}; shift 2 ;;
    --name-prefix) name_prefix=${2:?--name-prefix needs a value}; shift 2 ;;
    --skip-package) skip_package=true; shift ;;
    --skip-spa) skip_spa=true; shift ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[ -n "$resource_group" ] || die "--resource-group is required (see --help)"
[[ "$name_prefix" =~ ^[a-z][a-z0-9]{1,9}$ ]] || die "--name-prefix must be 2-10 lowercase letters and digits, starting with a letter"
command -v az > /dev/null || die "the Azure CLI ('az') is required"
az account show --output none 2> /dev/null || die "not logged in to Azure: run 'az login' first"

if [ "$skip_package" = false ]; then
  package_args=(--out "$artifacts")
  [ "$skip_spa" = false ] || package_args+=(--skip-spa)
  bash "$repo_root/infra/package.sh" "${package_args[@]}"
fi
functions_zip="$artifacts/cloudwg-functions.zip"
spa_zip="$artifacts/cloudwg-spa.zip"
[ -f "$functions_zip" ] || die "$functions_zip not found: run infra/package.sh (or drop --skip-package)"
[ "$skip_spa" = true ] || [ -f "$spa_zip" ] || die "$spa_zip not found: run infra/package.sh (or pass --skip-spa)"

log "resource group $resource_group ($location)"
az group create --name "$resource_group" --location "$location" --output none

log "deploying infrastructure (this takes a few minutes)"
az deployment group create \
  --resource-group "$resource_group" \
  --name "$deployment_name" \
  --template-file "$template" \
  --parameters namePrefix="$name_prefix" \
  --output none

output() {
  az deployment group show \
    --resource-group "$resource_group" \
    --name "$deployment_name" \
    --query "properties.outputs.$1.value" \
    --output tsv
}

function_app=$(output functionAppName)
static_web_app=$(output staticWebAppName)
key_vault=$(output keyVaultName)
setup_token_secret=$(output setupTokenSecretName)
spa_url=$(output spaUrl)
api_url=$(output apiUrl)

# Role assignments made by the template can take a few minutes to reach the data plane, and the
# Flex deployment upload runs as the app's identity: retry rather than fail the first time.
log "deploying the function app package to $function_app"
attempt=1
until az functionapp deployment source config-zip \
  --resource-group "$resource_group" \
  --name "$function_app" \
  --src "$functions_zip" \
  --output none; do
  [ "$attempt" -lt 5 ] || die "function app deployment failed $attempt times"
  log "deployment attempt $attempt failed, retrying in 60 s (role assignments may still be propagating)"
  sleep 60
  attempt=$((attempt + 1))
done

if [ "$skip_spa" = false ]; then
  command -v npx > /dev/null || die "Node.js (npx) is required to upload the SPA; or pass --skip-spa"
  command -v unzip > /dev/null || die "'unzip' is required to upload the SPA; or pass --skip-spa"
  spa_dist=$(mktemp -d "${TMPDIR:-/tmp}/cloudwg-spa.XXXXXX")
  trap 'rm -rf -- "$spa_dist"' EXIT
  unzip -q "$spa_zip" -d "$spa_dist"
  log "uploading the SPA ($spa_zip) to $static_web_app"
  # The deployment token goes through the environment, never the command line (visible in ps).
  SWA_CLI_DEPLOYMENT_TOKEN=$(az staticwebapp secrets list \
    --resource-group "$resource_group" \
    --name "$static_web_app" \
    --query properties.apiKey \
    --output tsv)
  export SWA_CLI_DEPLOYMENT_TOKEN
  npx --yes @azure/static-web-apps-cli deploy "$spa_dist" --env production
  unset SWA_CLI_DEPLOYMENT_TOKEN
fi

cat << EOF

CloudWg is deployed.
  Admin web app: $spa_url
  API (agents):  $api_url

First login: read the one-time setup token (only the deploying account may) and open the web app:
  az keyvault secret show --vault-name $key_vault --name $setup_token_secret --query value --output tsv
EOF
