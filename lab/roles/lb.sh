#!/usr/bin/env bash
# lab/roles/lb.sh IFACE ADDRESS [PREFIX [GATEWAY|none]]: a load-balancer host on a server LAN
# (198.51.100.10, or .11 for the second one; by default /24 with the default route via .1),
# applied to the host (or network namespace) it runs in; used by lab/up and vagrant/.
# lab/up --lans runs it once per LAN: eth0 198.51.100.10/25, then eth1 198.51.100.138/25
# with GATEWAY none (the default route stays on LAN A).
# Deliberately no VIP here: dsrlb answers ARP for it from user space, and
# ip_forward=0 keeps the kernel from routing VIP frames itself (it drops them
# silently, without ICMP).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
ifname="${1:?usage: lb.sh IFACE ADDRESS [PREFIX [GATEWAY|none]]}"
address="${2:?usage: lb.sh IFACE ADDRESS [PREFIX [GATEWAY|none]]}"
prefix="${3:-24}"
gateway="${4:-$LAB_ROUTER_SERVER_IP}"

sysctl -q -w net.ipv4.ip_forward=0
# The kernel answers ARP only for an address of the interface asked on, and asks from
# the address of the interface it asks on: with one interface this changes nothing;
# with one per LAN (--lans) no LAN learns the other LAN's address at this host's MAC.
sysctl -q -w "net.ipv4.conf.$ifname.arp_ignore=1" "net.ipv4.conf.$ifname.arp_announce=2"
ip addr add "$address/$prefix" dev "$ifname"
ip link set "$ifname" up
if [[ "$gateway" != none ]]; then
    ip route replace default via "$gateway"
fi
