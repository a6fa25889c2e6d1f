#!/usr/bin/env bash
# lab/roles/backend.sh IFACE ADDRESS [PREFIX VIP GATEWAY]: a DSR TFTP backend
# (tftp1 198.51.100.30, tftp2 .31; by default /24, VIP 198.51.100.20, gateway
# .1; lab/up --vlan puts tftp2 on VLAN 200 with its own VIP and gateway),
# applied to the host (or network namespace) it runs in; used by lab/up and
# vagrant/. The TFTP server itself is started by the caller.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
ifname="${1:?usage: backend.sh IFACE ADDRESS}"
address="${2:?usage: backend.sh IFACE ADDRESS}"
prefix="${3:-24}"
vip="${4:-$LAB_VIP}"
gateway="${5:-$LAB_ROUTER_SERVER_IP}"

# DSR backend setup, as `dsrlb backend-setup` prints it: VIP on lo, never
# answer ARP for it (arp_ignore=1), never use it as ARP source
# (arp_announce=2), no reverse-path filter.
sysctl -q -w \
    net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.conf.lo.rp_filter=0
ip addr add "$vip/32" dev lo
sysctl -q -w \
    "net.ipv4.conf.$ifname.arp_ignore=1" "net.ipv4.conf.$ifname.arp_announce=2" \
    "net.ipv4.conf.$ifname.rp_filter=0"
ip addr add "$address/$prefix" dev "$ifname"
ip link set "$ifname" up
ip route replace default via "$gateway"

# Ground truth of "who was served by whom", independent of dsrlb: every
# source that sent to the VIP, and a count of client UDP sent to the
# backend's real address (a balancer must never forward that).
nft -f - <<NFT
table ip dsrlblab {
    set clients {
        type ipv4_addr
        flags dynamic
        size 65536
    }
    counter direct { }
    chain input {
        type filter hook input priority filter; policy accept;
        ip daddr $vip add @clients { ip saddr }
        ip saddr $LAB_CLIENT_NET ip daddr $address meta l4proto udp counter name "direct"
    }
}
NFT
