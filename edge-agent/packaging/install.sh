#!/bin/sh
# Installs cloudwg-agent and enrolls this node. The control plane's enrollment page prints:
#   curl -fsSL URL/api/agent/install.sh | sudo sh -s -- --control-url URL --token TOKEN
# Options:
#   --control-url URL   control plane (required unless --no-enroll)
#   --token TOKEN       single-use enrollment token (required unless --no-enroll)
#   --root-sha256 HEX   fingerprint of the fleet root CA, for a control plane serving HTTPS with a
#                       fleet-CA certificate (local mode): downloads and enrollment trust only that root
#   --from PATH|URL     agent tarball (default: CONTROL_URL/api/agent/downloads/cloudwg-agent-linux-x64.tar.gz)
#   --no-enroll         install only
#   --no-start          do not enable/start the systemd service
#   --uninstall         take the node off CloudWg: stop and remove the service, put IP forwarding back as
#                       the agent found it, remove its nftables table and binary (the state directory stays)
set -eu

CONTROL_URL=""
TOKEN=""
ROOT_SHA256=""
FROM=""
ENROLL=1
START=1
UNINSTALL=0
PREFIX=/usr/lib/cloudwg
STATE_DIR=/var/lib/cloudwg

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "==> $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --control-url) CONTROL_URL="${2:-}"; shift 2 ;;
        --token) TOKEN="${2:-}"; shift 2 ;;
        --from) FROM="${2:-}"; shift 2 ;;
        --no-enroll) ENROLL=0; shift ;;
        --no-start) START=0; shift ;;
        --root-sha256) ROOT_SHA256="${2:-}"; shift 2 ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

[ "$(id -u)" = 0 ] || die "run as root (sudo)."
[ "$(uname -s)" = Linux ] || die "the agent runs on Linux only."
[ "$(uname -m)" = x86_64 ] || die "only linux-x64 builds are published; this host is $(uname -m)."
if [ "$UNINSTALL" = 1 ]; then
    if command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now cloudwg-agent 2>/dev/null || true
    fi
    if [ -x "$PREFIX/cloudwg-agent" ]; then
        "$PREFIX/cloudwg-agent" uninstall --state-dir "$STATE_DIR"
    fi
    rm -f /etc/systemd/system/cloudwg-agent.service /usr/local/bin/cloudwg-agent
    rm -rf "$PREFIX"
    command -v systemctl >/dev/null 2>&1 && systemctl daemon-reload
    say "Removed. Keys and cache stay in $STATE_DIR (delete it to forget this node's identity)."
    exit 0
fi
if [ "$ENROLL" = 1 ]; then
    [ -n "$CONTROL_URL" ] || die "--control-url is required."
    [ -n "$TOKEN" ] || die "--token is required."
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# With --root-sha256 the control plane's certificate comes from the fleet's private root: fetch that root (any
# connection will do, its fingerprint vouches for it) and let curl trust it alone for downloads from the control plane.
CA_FILE=""
if [ -n "$ROOT_SHA256" ]; then
    [ -n "$CONTROL_URL" ] || die "--root-sha256 needs --control-url."
    want=$(printf '%s' "$ROOT_SHA256" | tr -d ':' | tr 'A-F' 'a-f')
    curl -fsSL --insecure "${CONTROL_URL%/}/api/agent/root-certificate" -o "$work/root.pem" || die "cannot fetch the root certificate from $CONTROL_URL"
    seen=$(sed '/-----/d' "$work/root.pem" | base64 -d | sha256sum | cut -d' ' -f1)
    [ "$seen" = "$want" ] || die "the control plane's root certificate has SHA-256 $seen, but --root-sha256 expects $want."
    CA_FILE="$work/root.pem"
fi

# Tools the agent drives: wireguard-go (userspace WireGuard), wg, ip, nft.
missing=""
command -v wireguard-go >/dev/null 2>&1 || missing="$missing wireguard-go"
command -v wg >/dev/null 2>&1 || missing="$missing wireguard-tools"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
dpkg -s libnftables1 >/dev/null 2>&1 || missing="$missing libnftables1"
if [ -n "$missing" ]; then
    if command -v apt-get >/dev/null 2>&1; then
        say "Installing$missing"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
    else
        die "missing packages:$missing (install them and run again)."
    fi
fi

[ -n "$FROM" ] || FROM="${CONTROL_URL%/}/api/agent/downloads/cloudwg-agent-linux-x64.tar.gz"
case "$FROM" in
    http://*|https://*)
        # Only downloads from the control plane itself are checked against the pinned root.
        if [ -n "$CA_FILE" ] && [ "${FROM#"${CONTROL_URL%/}"/}" != "$FROM" ]; then set -- --cacert "$CA_FILE"; else set --; fi
        say "Downloading $FROM"; curl -fsSL "$@" "$FROM" -o "$work/agent.tar.gz" || die "cannot download $FROM" ;;
    *) [ -f "$FROM" ] || die "$FROM does not exist."; cp "$FROM" "$work/agent.tar.gz" ;;
esac
tar -xzf "$work/agent.tar.gz" -C "$work" || die "$FROM is not a valid agent tarball."
[ -x "$work/cloudwg-agent" ] || die "the tarball has no cloudwg-agent binary."

say "Installing to $PREFIX"
if systemctl is-active --quiet cloudwg-agent 2>/dev/null; then systemctl stop cloudwg-agent; fi
install -d -m 0755 "$PREFIX"
for f in cloudwg-agent libe_sqlite3.so libsodium.so; do
    [ -f "$work/$f" ] && install -m 0755 "$work/$f" "$PREFIX/$f"
done
ln -sf "$PREFIX/cloudwg-agent" /usr/local/bin/cloudwg-agent
install -m 0644 "$work/cloudwg-agent.service" /etc/systemd/system/cloudwg-agent.service
install -d -m 0700 "$STATE_DIR"

if [ "$ENROLL" = 1 ]; then
    if "$PREFIX/cloudwg-agent" status --state-dir "$STATE_DIR" --json 2>/dev/null | grep -q '"enrolled": true'; then
        say "Already enrolled; keeping the existing identity."
    else
        say "Enrolling with $CONTROL_URL"
        if [ -n "$ROOT_SHA256" ]; then set -- --root-sha256 "$ROOT_SHA256"; else set --; fi
        "$PREFIX/cloudwg-agent" enroll --state-dir "$STATE_DIR" --control-url "$CONTROL_URL" --token "$TOKEN" "$@"
    fi
fi

if [ "$START" = 1 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
    systemctl enable --now cloudwg-agent
    say "cloudwg-agent is running: 'cloudwg-agent status' shows what it applied."
else
    say "Installed. Start it with: systemctl enable --now cloudwg-agent"
fi
