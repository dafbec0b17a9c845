#!/usr/bin/env bash
# make test: installs what is missing, starts a private Azurite, runs every suite, prints one line per suite.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

need_dotnet
need_node
# System packages the privileged suites drive for real (root only; CI is root).
apt_install wireguard-go wireguard-tools nftables libnftables1 caddy iproute2 chromium python3 ca-certificates shellcheck curl

npm_ci "$ROOT"

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

# --- SPA -------------------------------------------------------------------------------------
if [ -f spa/package.json ]; then
  npm_ci "$ROOT/spa"
  log "spa: unit tests (vitest)"
  set +e
  (cd spa && npx vitest run --reporter=default 2>&1) | tee "$work/spa-unit.log"
  status=${PIPESTATUS[0]}
  set -e
  passed=$(grep -Eo 'Tests +[0-9]+ passed' "$work/spa-unit.log" | grep -Eo '[0-9]+' | tail -n1)
  nfailed=$(grep -Eo 'Tests +[0-9]+ failed' "$work/spa-unit.log" | grep -Eo '[0-9]+' | tail -n1)
  passed=${passed:-0}; nfailed=${nfailed:-0}
  [ "$status" -eq 0 ] || [ "$nfailed" -gt 0 ] || nfailed=1
  record spa-unit "$passed" "$nfailed"
fi

echo
echo "Summary"
printf '%s\n' "${results[@]}"
echo "total: $total_passed passed, $total_failed failed"
exit "$failed"
