#!/bin/sh
# Publishes the NativeAOT agent and packs the tarball install.sh expects:
#   <out>/cloudwg-agent-linux-x64.tar.gz  (cloudwg-agent, libe_sqlite3.so, libsodium.so, cloudwg-agent.service)
#
# Usage: edge-agent/packaging/package.sh [--out DIR]
#   --out  output folder (default: artifacts/ in the repository root)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out_dir="$root/artifacts"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out_dir=${2:?--out needs a folder}; shift 2 ;;
    -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cloudwg-agent-package.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
# --artifacts-path keeps this Release/linux-x64 build's bin/obj out of the source tree, so packaging
# never disturbs (or is disturbed by) a debug build or test run of the same project.
dotnet publish "$root/edge-agent" -r linux-x64 -c Release --artifacts-path "$work/build" -o "$work/publish" --nologo
stage="$work/stage"
mkdir -p "$stage"
cp "$work/publish/cloudwg-agent" "$work/publish/libe_sqlite3.so" "$work/publish/libsodium.so" "$stage/"
cp "$root/edge-agent/packaging/cloudwg-agent.service" "$stage/"
tarball="$out_dir/cloudwg-agent-linux-x64.tar.gz"
tar -czf "$tarball" -C "$stage" .
echo "$tarball"
