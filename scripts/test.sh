#!/usr/bin/env bash
# make test: installs what is missing, starts a private Azurite, runs every suite, prints one line per suite.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

need_dotnet
need_node
# System packages the privileged suites drive for real (root only; CI is root).
apt_install wireguard-go wireguard-tools nftables libnftables1 caddy iproute2 iputils-ping procps util-linux chromium python3 ca-certificates shellcheck curl zip unzip dnsmasq-base iperf3 haproxy openssl

npm_ci "$ROOT"
# The SPA's packages too, before the .NET tests: the packaging test builds the SPA bundle.
npm_ci "$ROOT/spa"

results=()
failed=0
total_passed=0
total_failed=0
record() { # record SUITE PASSED FAILED
  results+=("$1: $2 passed, $3 failed")
  total_passed=$((total_passed + $2)); total_failed=$((total_failed + $3))
  [ "$3" -eq 0 ] || failed=1
}

work="$(mktemp -d -t cloudwg-test-XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

blob=$(free_port); queue=$(free_port); table=$(free_port)
log "starting Azurite for this run (blob $blob, queue $queue, table $table)"
"$ROOT/node_modules/.bin/azurite" --silent --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry \
  --blobPort "$blob" --queuePort "$queue" --tablePort "$table" >"$work/azurite.log" 2>&1 &
pids+=($!)
for p in "$blob" "$queue" "$table"; do wait_port "$p" 60 || die "Azurite did not start (see $work/azurite.log)"; done
export CLOUDWG_TEST_STORAGE
CLOUDWG_TEST_STORAGE="$(azurite_connection_string "$blob" "$queue" "$table")"

# --- .NET ------------------------------------------------------------------------------------
log "dotnet build (warnings are errors)"
dotnet build CloudWg.sln -c Debug -nologo -v q -warnaserror 2>&1 | tail -n 30
[ "${PIPESTATUS[0]}" -eq 0 ] || die "dotnet build failed"

# The release package, built once as `make package` builds it: the packaging tests and the shipped-package
# rehearsal run exactly these files.
log "make package (the release package the tests rehearse)"
export CLOUDWG_PACKAGE_DIR="$work/package"
bash "$ROOT/infra/package.sh" --out "$CLOUDWG_PACKAGE_DIR" >"$work/package.log" 2>&1 || { tail -n 40 "$work/package.log"; die "make package failed"; }

filter=()
if [ "$(id -u)" != 0 ]; then
  log "not root: skipping tests marked Category=Privileged (CI runs them as root)"
  filter=(--filter-not-trait "Category=Privileged")
fi
log "dotnet test"
set +e
dotnet test --solution CloudWg.sln --no-build -c Debug "${filter[@]}" 2>&1 | tee "$work/dotnet-test.log"
status=${PIPESTATUS[0]}
set -e
passed=$(awk '/^ *succeeded: *[0-9]+/ {print $2}' "$work/dotnet-test.log" | tail -n1)
nfailed=$(awk '/^ *failed: *[0-9]+/ {print $2}' "$work/dotnet-test.log" | tail -n1)
passed=${passed:-0}; nfailed=${nfailed:-0}
[ "$status" -eq 0 ] || [ "$nfailed" -gt 0 ] || nfailed=1
record dotnet "$passed" "$nfailed"

# --- SPA ---------------------------------------------------------------------------------------
if [ -f spa/package.json ]; then
  log "spa: unit tests (vitest)"
  set +e
  (cd spa && NO_COLOR=1 FORCE_COLOR=0 npx vitest run 2>&1) | tee "$work/spa-unit.log"
  status=${PIPESTATUS[0]}
  set -e
  line=$(grep -E '^ *Tests +' "$work/spa-unit.log" | tail -n1)
  passed=$(grep -Eo '[0-9]+ passed' <<<"$line" | grep -Eo '[0-9]+' || true)
  nfailed=$(grep -Eo '[0-9]+ failed' <<<"$line" | grep -Eo '[0-9]+' || true)
  passed=${passed:-0}; nfailed=${nfailed:-0}
  [ "$status" -eq 0 ] || [ "$nfailed" -gt 0 ] || nfailed=1
  record spa-unit "$passed" "$nfailed"

  if [ -f spa/e2e/flow.test.mjs ]; then
    log "spa: end-to-end in Chromium against the real control plane"
    (cd spa && npm run build --silent) >"$work/spa-build.log" 2>&1 || { cat "$work/spa-build.log"; die "spa build failed"; }
    state="$work/e2e-state"; mkdir -p "$state"
    port=$(free_port)
    CLOUDWG_URL="http://127.0.0.1:$port"
    AzureWebJobsStorage="$CLOUDWG_TEST_STORAGE" \
    CloudWg__Storage__Prefix="e2e$(date +%s)" \
    CloudWg__StateDirectory="$state" \
    CloudWg__SpaDirectory="$ROOT/spa/dist" \
    ASPNETCORE_URLS="$CLOUDWG_URL" \
      dotnet functions/bin/Debug/net10.0/CloudWg.Functions.dll --contentRoot "$ROOT/functions" >"$work/e2e-app.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 240); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$CLOUDWG_URL/api/health")" = 200 ] && [ -s "$state/setup-token" ] && break
      sleep 0.5
    done
    set +e
    (cd spa && CLOUDWG_URL="$CLOUDWG_URL" CLOUDWG_STATE_DIR="$state" CLOUDWG_SETUP_TOKEN="$(cat "$state/setup-token" 2>/dev/null)" \
      NO_COLOR=1 npm run e2e --silent 2>&1) | tee "$work/spa-e2e.log"
    status=${PIPESTATUS[0]}
    set -e
    passed=$(awk '/^# pass / {print $3}' "$work/spa-e2e.log" | tail -n1)
    nfailed=$(awk '/^# fail / {print $3}' "$work/spa-e2e.log" | tail -n1)
    passed=${passed:-0}; nfailed=${nfailed:-0}
    if [ "$status" -ne 0 ] && [ "$nfailed" -eq 0 ]; then nfailed=1; tail -n 50 "$work/e2e-app.log"; fi
    record spa-e2e "$passed" "$nfailed"
  fi
fi

echo
echo "Summary"
printf '%s\n' "${results[@]}"
echo "total: $total_passed passed, $total_failed failed"
exit "$failed"
