#!/usr/bin/env bash
# lab/roles/client.sh IFACE: the client host of the seed topology, applied to
# the host (or network namespace) it runs in. lab/up runs it in dsrlb-client,
# vagrant/ in the client VM: one source of truth for both.
# 192.0.2.10/24 plus the extra storm addresses, default via the router, and
# the ground-truth counters of reply source addresses (table ip dsrlblab).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
ifname="${1:?usage: client.sh IFACE}"

{
    printf 'addr add %s/24 dev %s\n' "$LAB_CLIENT_IP" "$ifname"
    for ((i = 0; i < LAB_CLIENT_EXTRA_COUNT; i++)); do
        printf 'addr add %s/24 dev %s\n' "$(lab_client_extra_ip "$i")" "$ifname"
    done
    printf 'link set %s up\n' "$ifname"
} | ip -batch -
# The src hint steers tools that cannot bind (tftp-hpa, atftp); see lab_client_src.
ip route replace default via "$LAB_ROUTER_CLIENT_IP" dev "$ifname" src "$LAB_CLIENT_IP"

# Client-side ground truth: whose source address the replies carry. PXE
# firmware drops DATA that does not come from the address it asked. tftp2 is
# .150 in lab/up --vlan and --lans.
nft -f - <<NFT
table ip dsrlblab {
    counter from_vip { }
    counter from_real { }
    chain input {
        type filter hook input priority filter; policy accept;
        ip saddr $LAB_VIP meta l4proto udp counter name "from_vip"
        ip saddr { $LAB_TFTP1_IP, $LAB_TFTP2_IP, $LAB_VLAN_B_TFTP2_IP } meta l4proto udp counter name "from_real"
    }
}
NFT
