#!/usr/bin/env bash
# Deploys CloudWg to Azure with the Azure CLI: the template (infra/azuredeploy.json, compiled from
# infra/bicep/main.bicep) and the code. Safe to re-run: that is how upgrades are done (infra/README.md).
#
# Usage: infra/deploy.sh --resource-group NAME [--location REGION] [--name-prefix PREFIX]
#                        [--release | --package-uri URL | --skip-package]
#   --resource-group  resource group to create or update (required)
#   --location        region for a new resource group (default: westeurope); it must offer Flex Consumption
#   --name-prefix     resource name prefix, 2-10 lowercase letters/digits (default: cloudwg)
#   --release         install the latest release (what the Deploy to Azure button does)
#   --package-uri     install the package at this URL (the template puts it on the app)
#   --skip-package    upload the existing artifacts/cloudwg-functions.zip instead of building it
#   (default: build this checkout with infra/package.sh and upload that)
#
# Needs: Azure CLI (`az login` done, subscription selected); to build: the .NET SDK, Node.js, zip, python3.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
template="$repo_root/infra/azuredeploy.json"
artifacts="$repo_root/artifacts"
deployment_name=cloudwg
resource_group=''
location=westeurope
name_prefix=cloudwg
code=build
package_uri=''

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
    --release) code=release; shift ;;
    --package-uri) code=uri; package_uri=${2:?--package-uri needs a URL}; shift 2 ;;
    --skip-package) code=local; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[ -n "$resource_group" ] || die "--resource-group is required (see --help)"
[[ "$name_prefix" =~ ^[a-z][a-z0-9]{1,9}$ ]] || die "--name-prefix must be 2-10 lowercase letters and digits, starting with a letter"
command -v az > /dev/null || die "the Azure CLI ('az') is required"
az account show --output none 2> /dev/null || die "not logged in to Azure: run 'az login' first"

functions_zip="$artifacts/cloudwg-functions.zip"
parameters=(namePrefix="$name_prefix")
case "$code" in
  build)
    bash "$repo_root/infra/package.sh" --out "$artifacts"
    parameters+=(packageUri='')
    ;;
  local)
    [ -f "$functions_zip" ] || die "$functions_zip not found: run infra/package.sh (or drop --skip-package)"
    parameters+=(packageUri='')
    ;;
  uri) parameters+=(packageUri="$package_uri") ;;
  release) ;; # the template's default: the latest release asset
esac

log "resource group $resource_group ($location)"
az group create --name "$resource_group" --location "$location" --output none

log "deploying (this takes a few minutes)"
az deployment group create \
  --resource-group "$resource_group" \
  --name "$deployment_name" \
  --template-file "$template" \
  --parameters "${parameters[@]}" \
  --output none

output() {
  az deployment group show \
    --resource-group "$resource_group" \
    --name "$deployment_name" \
    --query "properties.outputs.$1.value" \
    --output tsv
}

function_app=$(output functionAppName)
app_url=$(output appUrl)
setup_token_command=$(output setupTokenCommand)

if [ "$code" = build ] || [ "$code" = local ]; then
  # Role assignments made by the template can take a few minutes to reach the data plane, and the
  # Flex deployment writes the package as the app's identity: retry rather than fail the first time.
  log "uploading $functions_zip to $function_app (one deploy)"
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
fi

cat << EOF
CloudWg is deployed: $app_url (admin web app and API, one origin)

First login: read the one-time setup token (only the deploying account may) and open the web app:
  $setup_token_command
EOF
