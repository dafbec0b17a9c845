#!/usr/bin/env bash
# Builds the deployment package, the one file the Flex Consumption app runs:
#   <out>/cloudwg-functions.zip  Azure Functions package (custom handler): host.json, every
#                                <Function>/function.json folder, the self-contained linux-x64
#                                publish of functions/CloudWg.Functions.csproj, start.sh, which
#                                runs the app on FUNCTIONS_CUSTOMHANDLER_PORT, wwwroot/ (the admin
#                                SPA, a type-checked production build the app serves at /), and
#                                agent/cloudwg-agent-linux-x64.tar.gz, the NativeAOT edge agent
#                                that install commands download from /api/agent/downloads/.
#   <out>/cloudwg-agent-linux-x64.tar.gz  the same agent tarball, as a release asset of its own.
#
# Usage: infra/package.sh [--out DIR] [--functions-dir DIR] [--project CSPROJ] [--skip-spa]
#                         [--skip-agent]
#   --out            output folder (default: artifacts/ in the repository root)
#   --functions-dir  where host.json and the function.json folders are (default: functions/)
#   --project        the app to publish (default: functions/CloudWg.Functions.csproj)
#   --skip-spa       leave the SPA out (the app then serves the API only)
#   --skip-agent     leave the agent out (nodes then cannot be installed from this control plane)
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
out_dir="$repo_root/artifacts"
functions_dir="$repo_root/functions"
project="$repo_root/functions/CloudWg.Functions.csproj"
start_script=start.sh
skip_spa=false
skip_agent=false

die() {
  echo "package.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out_dir=${2:?--out needs a folder}; shift 2 ;;
    --functions-dir) functions_dir=${2:?--functions-dir needs a folder}; shift 2 ;;
    --project) project=${2:?--project needs a .csproj}; shift 2 ;;
    --skip-spa) skip_spa=true; shift ;;
    --skip-agent) skip_agent=true; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

tools=(dotnet zip python3)
[ "$skip_spa" = true ] || tools+=(npm)
for tool in "${tools[@]}"; do
  command -v "$tool" > /dev/null || die "'$tool' is required but not installed (or pass --skip-spa to leave the SPA out)"
done
[ -f "$project" ] || die "project not found: $project"
[ -f "$functions_dir/host.json" ] \
  || die "host.json not found in $functions_dir: the Functions host cannot start the app without it"

mkdir -p "$out_dir"
out_dir=$(cd -- "$out_dir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cloudwg-package.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
stage="$work/package"
mkdir -p "$stage"

# host.json must launch something this package contains, through the proxying custom handler.
python3 - "$functions_dir/host.json" <<'PY' || die "host.json in $functions_dir is not a usable custom-handler configuration (see above)"
import json, sys
path = sys.argv[1]
try:
    with open(path, encoding="utf-8") as f:
        host = json.load(f)
except ValueError as e:
    sys.exit(f"{path}: not valid JSON: {e}")
handler = host.get("customHandler") or {}
exe = (handler.get("description") or {}).get("defaultExecutablePath")
if not exe:
    sys.exit(f"{path}: customHandler.description.defaultExecutablePath is missing")
if handler.get("enableProxyingHttpRequest") is not True:
    sys.exit(f"{path}: customHandler.enableProxyingHttpRequest must be true")
PY

echo "package.sh: publishing $project (self-contained, linux-x64)"
# --artifacts-path keeps this build's bin/obj out of the source tree, so packaging never
# disturbs (or is disturbed by) a debug build of the same projects.
dotnet publish "$project" \
  --configuration Release \
  --runtime linux-x64 \
  --self-contained true \
  --artifacts-path "$work/build" \
  --output "$stage" \
  -p:DebugType=none \
  --nologo

cp "$functions_dir/host.json" "$stage/host.json"

# Each function is a folder holding function.json (timer and queue triggers, the HTTP catch-all).
# The host only looks at top-level folders, so each is copied to the package root under its own
# name, wherever it sits below functions/.
function_count=0
while IFS= read -r -d '' function_json; do
  folder=$(dirname -- "$function_json")
  name=$(basename -- "$folder")
  [ "$folder" != "$functions_dir" ] || die "function.json directly in $functions_dir: it must be in a folder named after the function"
  [ ! -e "$stage/$name" ] || die "function folder '$name' appears twice or clashes with a file of the published app"
  mkdir -p "$stage/$name"
  cp "$function_json" "$stage/$name/function.json"
  function_count=$((function_count + 1))
done < <(find "$functions_dir" \( -name bin -o -name obj -o -name node_modules \) -prune -o -name function.json -type f -print0 | sort -z)
echo "package.sh: $function_count function.json folder(s)"

cat > "$stage/$start_script" <<'SH'
#!/bin/sh
# Custom-handler entry point (host.json customHandler.description.defaultExecutablePath): the
# Functions host starts this and proxies HTTP to the port it passes in FUNCTIONS_CUSTOMHANDLER_PORT.
# The app reads that variable itself; ASPNETCORE_URLS says the same (loopback only: the host is
# the only client) so the port holds even for a build that does not.
set -eu
: "${FUNCTIONS_CUSTOMHANDLER_PORT:?is not set: this script is started by the Azure Functions host}"
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
ASPNETCORE_URLS="http://127.0.0.1:${FUNCTIONS_CUSTOMHANDLER_PORT}"
export ASPNETCORE_URLS
# The content root is the package, wherever the host's working directory is: wwwroot/ (the SPA)
# and agent/ are found beside the app.
exec "$here/CloudWg.Functions" --contentRoot "$here" "$@"
SH
chmod 0755 "$stage/$start_script" "$stage/CloudWg.Functions"

if [ "$skip_agent" = false ]; then
  echo "package.sh: publishing the edge agent (NativeAOT, linux-x64)"
  # The app serves agent/<tarball> beside itself (functions/Agent/AgentDownloadOptions.cs).
  sh "$repo_root/edge-agent/packaging/package.sh" --out "$stage/agent" > "$work/agent-package.log" 2>&1 \
    || { cat "$work/agent-package.log" >&2; die "the edge agent did not build"; }
  tar -tzf "$stage/agent/cloudwg-agent-linux-x64.tar.gz" > "$work/agent-tarball.list"
  grep -qx './cloudwg-agent' "$work/agent-tarball.list" || die "the agent tarball has no cloudwg-agent"
fi

if [ "$skip_spa" = false ]; then
  spa_src="$repo_root/spa"
  if [ ! -d "$spa_src/node_modules" ] || [ "$spa_src/package-lock.json" -nt "$spa_src/node_modules/.package-lock.json" ]; then
    echo "package.sh: npm ci in spa/"
    (cd "$spa_src" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  echo "package.sh: building the SPA"
  # Type-check, then a production build straight into the package: packaging never touches spa/dist.
  (cd "$spa_src" && npx tsc --noEmit -p tsconfig.json && npx vite build --outDir "$stage/wwwroot" --emptyOutDir --logLevel warn)
  [ -f "$stage/wwwroot/index.html" ] || die "the SPA build has no index.html"
fi

exe=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["customHandler"]["description"]["defaultExecutablePath"])' "$stage/host.json")
case "$exe" in
  /*) ;; # an absolute interpreter path such as /bin/sh
  *) [ -f "$stage/$exe" ] || die "host.json starts '$exe', which is not in the package" ;;
esac

functions_zip="$out_dir/cloudwg-functions.zip"
rm -f "$functions_zip"
# zip keeps the Unix modes, so start.sh and the app stay executable after the platform unpacks them.
(cd "$stage" && zip -q -r -X "$functions_zip" .)
echo "package.sh: wrote $functions_zip"

if [ "$skip_agent" = false ]; then
  cp "$stage/agent/cloudwg-agent-linux-x64.tar.gz" "$out_dir/cloudwg-agent-linux-x64.tar.gz"
  echo "package.sh: wrote $out_dir/cloudwg-agent-linux-x64.tar.gz"
fi

