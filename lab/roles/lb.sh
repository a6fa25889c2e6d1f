#!/usr/bin/env bash
# lab/roles/lb.sh IFACE ADDRESS: a load-balancer host on the server LAN
# (198.51.100.10, or .11 for the second one), applied to the host (or network
# namespace) it runs in; used by lab/up and vagrant/.
# Deliberately no VIP here: dsrlb answers ARP for it from user space, and
# ip_forward=0 keeps the kernel from routing VIP frames itself (it drops them
# silently, without ICMP).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
ifname="${1:?usage: lb.sh IFACE ADDRESS}"
address="${2:?usage: lb.sh IFACE ADDRESS}"

sysctl -q -w net.ipv4.ip_forward=0
ip addr add "$address/24" dev "$ifname"
ip link set "$ifname" up
ip route replace default via "$LAB_ROUTER_SERVER_IP"
