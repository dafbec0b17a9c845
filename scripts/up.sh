#!/usr/bin/env bash
# make up: CloudWg locally — Azurite (data in .cloudwg/azurite) + the control plane serving the SPA and /api.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

URL="${CLOUDWG_URL:-http://127.0.0.1:7071}"
# Agents renew and pull over mutual TLS: Kestrel also listens with a fleet-CA server certificate.
AGENT_URL="${CLOUDWG_AGENT_URL:-https://127.0.0.1:7443}"
STATE="$ROOT/.cloudwg"
mkdir -p "$STATE/azurite" && chmod 700 "$STATE"

need_dotnet
need_node

if [ -f "$STATE/up.pid" ] && kill -0 "$(cat "$STATE/up.pid")" 2>/dev/null; then
  log "CloudWg is already running (pid $(cat "$STATE/up.pid")) at $URL — stop it with Ctrl-C in its terminal"
  exit 0
fi

[ -f local.settings.json ] || { cp local.settings.sample.json local.settings.json; log "created local.settings.json from the sample"; }

npm_ci "$ROOT"
if [ -f spa/package.json ]; then
  npm_ci "$ROOT/spa"
  log "building the admin app (spa/dist)"
  (cd spa && npm run build --silent) >/dev/null
fi

log "building the control plane"
dotnet build functions/CloudWg.Functions.csproj -c Debug -nologo -v q 2>&1 | tail -n 20
[ "${PIPESTATUS[0]}" -eq 0 ] || die "build failed"

pids=()
stop() {
  trap - EXIT INT TERM
  log "stopping"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -f "$STATE/up.pid"
}
trap stop EXIT INT TERM
echo $$ > "$STATE/up.pid"

BLOB=10000; QUEUE=10001; TABLE=10002
if (exec 3<>/dev/tcp/127.0.0.1/$BLOB) 2>/dev/null; then
  log "something already listens on 127.0.0.1:$BLOB; using it as Azurite"
else
  log "starting Azurite (data in .cloudwg/azurite)"
  "$ROOT/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose --disableTelemetry \
    --location "$STATE/azurite" --blobPort $BLOB --queuePort $QUEUE --tablePort $TABLE \
    >"$STATE/azurite.log" 2>&1 &
  pids+=($!)
  for p in $BLOB $QUEUE $TABLE; do wait_port "$p" 60 || die "Azurite did not start (see .cloudwg/azurite.log)"; done
fi

# Install and enroll commands name the mutual-TLS URL (with the root pin, as it serves the fleet certificate) unless
# the environment or local.settings.json names another.
if [ -z "${CloudWg__Enrollment__PublicControlUrl:-}" ] \
  && ! node -e 'process.exit(require("./local.settings.json").Values?.CloudWg__Enrollment__PublicControlUrl ? 0 : 1)' 2>/dev/null; then
  export CloudWg__Enrollment__PublicControlUrl="$AGENT_URL"
fi

log "starting the control plane on $URL"
ASPNETCORE_URLS="$URL;$AGENT_URL" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
  dotnet functions/bin/Debug/net10.0/CloudWg.Functions.dll --contentRoot "$ROOT/functions" &
pids+=($!)

deadline=$(( $(date +%s) + 120 ))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/health" 2>/dev/null)" = 200 ]; do
  kill -0 "${pids[-1]}" 2>/dev/null || die "the control plane exited during start-up"
  [ "$(date +%s)" -lt "$deadline" ] || die "the control plane did not become healthy within 120 s ($URL/api/health)"
  sleep 0.5
done

# The setup token appears once no owner exists yet; wait briefly for it.
for _ in $(seq 1 20); do [ -f "$STATE/setup-token" ] && break; sleep 0.5; done
echo
echo "  CloudWg is running:  $URL"
if [ -f "$STATE/setup-token" ]; then
  echo "  First-owner setup token (one-time, 24 h): $(cat "$STATE/setup-token")"
  echo "  Open $URL and create the owner with it."
fi
echo "  Agents (mTLS):       $AGENT_URL"
echo "  Storage: Azurite on 127.0.0.1:$BLOB-$TABLE, data in .cloudwg/azurite. Ctrl-C stops everything."
echo
wait "${pids[-1]}"
