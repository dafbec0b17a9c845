#!/bin/sh
# Publishes the NativeAOT agent and packs the tarball install.sh expects:
#   artifacts/cloudwg-agent-linux-x64.tar.gz  (cloudwg-agent, libe_sqlite3.so, libsodium.so, cloudwg-agent.service)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/artifacts/agent"
rm -rf "$out" && mkdir -p "$out"
dotnet publish "$root/edge-agent" -r linux-x64 -c Release -o "$out/publish"
stage="$out/stage"
mkdir -p "$stage"
cp "$out/publish/cloudwg-agent" "$out/publish/libe_sqlite3.so" "$out/publish/libsodium.so" "$stage/"
cp "$root/edge-agent/packaging/cloudwg-agent.service" "$stage/"
tar -czf "$root/artifacts/cloudwg-agent-linux-x64.tar.gz" -C "$stage" .
echo "$root/artifacts/cloudwg-agent-linux-x64.tar.gz"
