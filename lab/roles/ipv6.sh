#!/usr/bin/env bash
# lab/roles/ipv6.sh ROLE ARGS…: the IPv6 half of a role (lab/up --ipv6), applied
# after the role's IPv4 script to the host (or network namespace) it runs in:
#
#   ipv6.sh client  IFACE                 2001:db8:1::10/64 + extras, default via ::1
#   ipv6.sh router  CLIENT_IFACE SERVER_IFACE   ::1 on both LANs, forwarding=1
#   ipv6.sh lb      IFACE ADDRESS         the LB host's own address (not the VIP6)
#   ipv6.sh backend IFACE ADDRESS [VIP6 GATEWAY6]   real address on IFACE, VIP6/128 on lo
#                                         (default VIP6 2001:db8:2::20 via ::1; lab/up
#                                         --vlan --ipv6 puts tftp2 on VLAN 200's own)
#
# Every address is added with nodad: nothing else here picks them, and DAD's
# Neighbor Solicitations would only be noise in the captures of the tests.
# lab/up has made IPv6 quiet in the namespace before (lab_ipv6_quiet in lib.sh);
# the per-interface sysctls below do the same on a host whose interfaces existed
# before (vagrant/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
role="${1:?usage: ipv6.sh client|router|lb|backend ARGS…}"
shift

quiet_iface() {
    local key
    for key in disable_ipv6=0 accept_ra=0 autoconf=0 router_solicitations=0 accept_dad=0 dad_transmits=0; do
        sysctl -q -w "net.ipv6.conf.$1.$key"
    done
}

case "$role" in
    client)
        ifname="${1:?usage: ipv6.sh client IFACE}"
        quiet_iface "$ifname"
        {
            printf 'addr add %s/64 dev %s nodad\n' "$LAB_CLIENT6_IP" "$ifname"
            for ((i = 0; i < LAB_CLIENT_EXTRA_COUNT; i++)); do
                printf 'addr add %s/64 dev %s nodad\n' "$(lab_client6_extra_ip "$i")" "$ifname"
            done
        } | ip -6 -batch -
        # The src hint steers tftp-hpa, which cannot bind (lab_client6_src).
        ip -6 route replace default via "$LAB_ROUTER6_CLIENT_IP" dev "$ifname" src "$LAB_CLIENT6_IP"
        # Whose source address the IPv6 replies carry: the VIP6 (DSR done right) or a real one.
        nft -f - <<NFT
table ip6 dsrlblab {
    counter from_vip { }
    counter from_real { }
    chain input {
        type filter hook input priority filter; policy accept;
        ip6 saddr { $LAB_VIP6, $LAB_VLAN_B_VIP6 } meta l4proto udp counter name "from_vip"
        ip6 saddr { $LAB_TFTP1_6_IP, $LAB_TFTP2_6_IP, $LAB_VLAN_B_TFTP2_6_IP } meta l4proto udp counter name "from_real"
    }
}
NFT
        ;;
    router)
        client_if="${1:?usage: ipv6.sh router CLIENT_IFACE SERVER_IFACE}"
        server_if="${2:?usage: ipv6.sh router CLIENT_IFACE SERVER_IFACE}"
        quiet_iface "$client_if"
        quiet_iface "$server_if"
        # forwarding=1 on "all" turns it on for every interface. The kernel sends
        # no Router Advertisements of its own (that would take radvd), so the LANs
        # stay as quiet as with IPv4. The VIP6 is on-link on the server LAN: the
        # router asks NDP for it, and only dsrlb answers.
        sysctl -q -w net.ipv6.conf.all.forwarding=1
        ip addr add "$LAB_ROUTER6_CLIENT_IP/64" dev "$client_if" nodad
        ip addr add "$LAB_ROUTER6_SERVER_IP/64" dev "$server_if" nodad
        ;;
    lb)
        ifname="${1:?usage: ipv6.sh lb IFACE ADDRESS}"
        address="${2:?usage: ipv6.sh lb IFACE ADDRESS}"
        quiet_iface "$ifname"
        # No VIP6 in the kernel, forwarding=0: VIP6 frames that reach this kernel are
        # dropped without an ICMPv6 answer, as ip_forward=0 does for the IPv4 VIP.
        sysctl -q -w net.ipv6.conf.all.forwarding=0
        ip addr add "$address/64" dev "$ifname" nodad
        ip -6 route replace default via "$LAB_ROUTER6_SERVER_IP" dev "$ifname"
        ;;
    backend)
        ifname="${1:?usage: ipv6.sh backend IFACE ADDRESS}"
        address="${2:?usage: ipv6.sh backend IFACE ADDRESS}"
        vip6="${3:-$LAB_VIP6}"
        gateway6="${4:-$LAB_ROUTER6_SERVER_IP}"
        quiet_iface "$ifname"
        # The IPv6 DSR backend setup: VIP6/128 on lo. Linux answers a Neighbor
        # Solicitation only for an address of the interface it arrived on
        # (ndisc_recv_ns looks the target up strictly on that device), so unlike
        # ARP no arp_ignore-like sysctl is needed: eth0 never answers for the VIP6
        # (Ipv6IT checks it on the wire). IPv6 has no rp_filter.
        ip addr add "$vip6/128" dev lo nodad
        ip addr add "$address/64" dev "$ifname" nodad
        ip -6 route replace default via "$gateway6" dev "$ifname"
        # Ground truth as for IPv4 (backend.sh): every source that sent to the VIP6,
        # and client UDP sent to the real IPv6 address.
        nft -f - <<NFT
table ip6 dsrlblab {
    set clients {
        type ipv6_addr
        flags dynamic
        size 65536
    }
    counter direct { }
    chain input {
        type filter hook input priority filter; policy accept;
        ip6 daddr $vip6 add @clients { ip6 saddr }
        ip6 saddr $LAB_CLIENT6_NET ip6 daddr $address meta l4proto udp counter name "direct"
    }
}
NFT
        ;;
    *)
        echo "usage: ipv6.sh client|router|lb|backend ARGS…" >&2
        exit 2
        ;;
esac
