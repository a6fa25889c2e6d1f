#!/usr/bin/env bash
# lab/roles/router.sh CLIENT_IFACE SERVER_IFACE: the router between the client
# LAN (192.0.2.1) and the server LAN (198.51.100.1), applied to the host (or
# network namespace) it runs in; used by lab/up and vagrant/.
# It reaches the VIP only through ARP on the server LAN (connected route),
# which only dsrlb answers: without dsrlb the VIP is unreachable.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
client_if="${1:?usage: router.sh CLIENT_IFACE SERVER_IFACE}"
server_if="${2:?usage: router.sh CLIENT_IFACE SERVER_IFACE}"

sysctl -q -w net.ipv4.ip_forward=1
ip addr add "$LAB_ROUTER_CLIENT_IP/24" dev "$client_if"
ip addr add "$LAB_ROUTER_SERVER_IP/24" dev "$server_if"
ip link set "$client_if" up
ip link set "$server_if" up
