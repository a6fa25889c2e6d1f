#!/usr/bin/env bash
# Shared constants and helpers of the dsrlb lab. Sourced by lab/up, lab/down,
# lab/offload, lab/served-by, lab/direct-count, lab/lb-mac, lab/selftest, and by
# the demo/test scripts that drive dsrlb in this topology:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Everything the lab creates lives in network namespaces named dsrlb-*; nothing
# is put into the host's namespace, so a teardown is "kill our recorded daemons,
# delete our namespaces, delete our state directory".
#
# Source addresses for clients without a bind option: tftp-hpa's `tftp` and
# atftp cannot bind a source address, so they take the one the route lookup
# picks. lab_client_src <addr> sets the `src` hint of dsrlb-client's default
# route, after which every new socket towards 198.51.100.0/24 (and beyond)
# leaves from <addr>; `lab_client_src` without an argument restores
# 192.0.2.10. curl needs no help: `--interface 192.0.2.1xx` binds.

# The constants are used by the scripts that source this file.
# shellcheck disable=SC2034

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "lib.sh is meant to be sourced, not run" >&2
    exit 2
fi

# ---------------------------------------------------------------- constants
# Namespace names are part of the interface: tests and the lead's scripts
# address them directly.
readonly LAB_NS_CLIENT=dsrlb-client
readonly LAB_NS_ROUTER=dsrlb-router
readonly LAB_NS_SW=dsrlb-sw
readonly LAB_NS_LB=dsrlb-lb
readonly LAB_NS_TFTP1=dsrlb-tftp1
readonly LAB_NS_TFTP2=dsrlb-tftp2
# Deletion order: leaves first is not needed (veths die with either end), but
# a fixed order keeps logs readable.
readonly LAB_NAMESPACES=("$LAB_NS_CLIENT" "$LAB_NS_ROUTER" "$LAB_NS_LB" \
    "$LAB_NS_TFTP1" "$LAB_NS_TFTP2" "$LAB_NS_SW")
readonly LAB_BACKENDS=(tftp1 tftp2)
# A second load balancer, only in the --ha and --ecmp variants of lab/up; not
# in LAB_NAMESPACES, so lab_require_up and the default lab do not know it.
readonly LAB_NS_LB2=dsrlb-lb2
# The PXE LAN of lab/pxe (QEMU machines, DHCP), also outside LAB_NAMESPACES.
readonly LAB_NS_PXE=dsrlb-pxe

# Documentation prefixes only (RFC 5737): 192.0.2.0/24 is the client LAN,
# 198.51.100.0/24 the server LAN of the seed configuration.
readonly LAB_CLIENT_NET=192.0.2.0/24
readonly LAB_CLIENT_IP=192.0.2.10
readonly LAB_ROUTER_CLIENT_IP=192.0.2.1
readonly LAB_ROUTER_SERVER_IP=198.51.100.1
readonly LAB_LB_IP=198.51.100.10
readonly LAB_LB2_IP=198.51.100.11
readonly LAB_VIP=198.51.100.20
# A second VIP, forwarded by lab/kernel-lb beside dsrlb on LAB_VIP: lab/bench's paired storm.
readonly LAB_PAIRED_VIP=198.51.100.21
readonly LAB_TFTP1_IP=198.51.100.30
readonly LAB_TFTP2_IP=198.51.100.31
# lab/pxe's LAN behind the router: 203.0.113.0/24, another documentation prefix.
# lab/up --vlan: the server LAN as an 802.1Q trunk, 198.51.100.0/24 split in two
# /25s (the PXE LAN keeps 203.0.113.0/24): VLAN 100 the lower half (router .1 on
# eth1, dsrlb's -IPAddress .10, VIP .20, tftp1 .30), VLAN 200 the upper half
# (router .129 on eth3, -IPAddress .138, VIP .140, tftp2 .150).
# lab/up --lans: the same two /25s as two plain LANs (no tags), and dsrlb-lb on both:
# eth0 198.51.100.10/25 on LAN A, eth1 198.51.100.138/25 (LAB_MAC_LB_B) on LAN B.
readonly LAB_VLAN_A=100
readonly LAB_VLAN_B=200
readonly LAB_VLAN_B_ROUTER_IP=198.51.100.129
readonly LAB_VLAN_B_LB_IP=198.51.100.138
readonly LAB_VLAN_B_VIP=198.51.100.140
readonly LAB_VLAN_B_TFTP2_IP=198.51.100.150
readonly LAB_MAC_ROUTER_VLAN_B=02:d5:1b:64:00:02
readonly LAB_PXE_NET=203.0.113.0/24
readonly LAB_ROUTER_PXE_IP=203.0.113.1
readonly LAB_PXE_DHCP_IP=203.0.113.2
readonly LAB_PXE_RANGE=203.0.113.100,203.0.113.199
# Extra client addresses 192.0.2.32 .. 192.0.2.231 for multi-client tests (storms of 200).
readonly LAB_CLIENT_EXTRA_FIRST=32
readonly LAB_CLIENT_EXTRA_COUNT=200

# lab/up --ipv6 (issue 17): the same LANs once more in 2001:db8::/32 (RFC 3849),
# next to the IPv4 addresses. Client LAN 2001:db8:1::/64 (router ::1, client
# ::10 plus extras), server LAN 2001:db8:2::/64 (router ::1, the LB host's kernel
# ::10, the second LB ::11, VIP6 ::20, tftp1 ::30, tftp2 ::31). The LB kernel's
# own address is what dsrlb asks NDP from and probes backends from; the VIP6 is
# never the kernel's, dsrlb answers Neighbor Solicitations for it.
readonly LAB_CLIENT6_NET=2001:db8:1::/64
readonly LAB_SERVER6_NET=2001:db8:2::/64
readonly LAB_CLIENT6_IP=2001:db8:1::10
readonly LAB_ROUTER6_CLIENT_IP=2001:db8:1::1
readonly LAB_ROUTER6_SERVER_IP=2001:db8:2::1
readonly LAB_LB6_IP=2001:db8:2::10
readonly LAB_LB2_6_IP=2001:db8:2::11
readonly LAB_VIP6=2001:db8:2::20
readonly LAB_TFTP1_6_IP=2001:db8:2::30
readonly LAB_TFTP2_6_IP=2001:db8:2::31
# lab/up --vlan --ipv6: VLAN 100 carries the server LAN above (router ::1 on eth1,
# dsrlb's -IPAddress ::10, VIP6 ::20, tftp1 ::30); VLAN 200 2001:db8:4::/64
# (router ::1 on eth3, -IPAddress ::10, VIP6 ::20, tftp2 ::31). 2001:db8:3::/64
# is the PXE LAN's (lab/pxe).
readonly LAB_VLAN_B6_NET=2001:db8:4::/64
readonly LAB_VLAN_B_ROUTER6_IP=2001:db8:4::1
readonly LAB_VLAN_B_VIP6=2001:db8:4::20
readonly LAB_VLAN_B_TFTP2_6_IP=2001:db8:4::31
# Extra IPv6 client addresses 2001:db8:1::100 .. 2001:db8:1::1c7 (hex), as many as the IPv4 ones.
readonly LAB_CLIENT6_EXTRA_FIRST=256

# Fixed, locally administered MACs: captures and failures stay readable, and a
# test can name a backend's MAC without asking the lab. The last byte mirrors
# the host part of the address.
readonly LAB_MAC_CLIENT=02:d5:1b:02:00:10
readonly LAB_MAC_ROUTER_CLIENT=02:d5:1b:02:00:01
readonly LAB_MAC_ROUTER_SERVER=02:d5:1b:64:00:01
readonly LAB_MAC_ROUTER_PXE=02:d5:1b:71:00:01
readonly LAB_MAC_LB=02:d5:1b:64:00:10
readonly LAB_MAC_LB2=02:d5:1b:64:00:11
# dsrlb-lb's eth1 on LAN B (lab/up --lans).
readonly LAB_MAC_LB_B=02:d5:1b:64:00:12
readonly LAB_MAC_TFTP1=02:d5:1b:64:00:30
readonly LAB_MAC_TFTP2=02:d5:1b:64:00:31

# The files every backend serves, name:size in bytes. The sizes sit on the
# edges of TFTP's block arithmetic (0, 511, 512) plus a PXE loader and two
# larger payloads.
readonly LAB_FILES=(
    "ARDBP32.BIN:262144"
    "empty.bin:0"
    "b511.bin:511"
    "b512.bin:512"
    "k64.bin:65536"
    "m5.bin:5242880"
)

readonly LAB_DIR="${DSRLB_LAB_DIR:-/tmp/dsrlb-lab}"
# A marker so that down never removes a directory the lab did not create
# (DSRLB_LAB_DIR may point anywhere).
readonly LAB_MARKER=.dsrlb-lab
readonly LAB_STATE="$LAB_DIR/state"

# fonts-dejavu-core: storm --plot and bench plot draw text, and the JDK finds no font without one.
readonly LAB_PACKAGES=(iproute2 iputils-arping ethtool nftables tftpd-hpa tftp-hpa
    atftp curl dnsmasq-base libpcap0.8 libpcap-dev procps netsniff-ng keepalived vagrant
    lintian systemd prometheus chromium chromium-driver bird2 fonts-dejavu-core python3 tcpdump)
# The Debian package's man pages: picocli writes AsciiDoc, asciidoctor makes roff
# (packaging/build-docs, run by every ./mvnw package); gcc and libc6-dev build native/
# (native/build, run by every ./mvnw compile).
readonly LAB_BUILD_PACKAGES=(asciidoctor gcc libc6-dev)

# ---------------------------------------------------------------- logging
lab_log() { printf '[lab] %s\n' "$*" >&2; }
lab_warn() { printf '[lab] WARNING: %s\n' "$*" >&2; }
lab_die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }
# lab_is_ipv4 <text>: whether it reads as a dotted-quad IPv4 address.
lab_is_ipv4() { [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; }

lab_require_root() {
    [[ $EUID -eq 0 ]] || lab_die "must run as root (network namespaces, nftables, daemons on port 69)"
}

# ---------------------------------------------------------------- namespaces
# lab_ns <role|namespace> -> namespace name; accepts "tftp1" or "dsrlb-tftp1".
lab_ns() {
    case "$1" in
        client | router | sw | lb | lb2 | tftp1 | tftp2) printf 'dsrlb-%s\n' "$1" ;;
        dsrlb-client | dsrlb-router | dsrlb-sw | dsrlb-lb | dsrlb-lb2 | dsrlb-tftp1 | dsrlb-tftp2) printf '%s\n' "$1" ;;
        *) lab_die "unknown lab namespace or role: $1" ;;
    esac
}

# lab_ns_exec <role|namespace> <command...>
lab_ns_exec() {
    local ns
    ns=$(lab_ns "$1")
    shift
    ip netns exec "$ns" "$@"
}

lab_ns_exists() {
    [[ -e "/run/netns/$1" ]]
}

# lab_split_lan: whether the running lab splits the server LAN in two /25s
# (lab/up --vlan or --lans), where tftp2 is 198.51.100.150 on the upper half.
lab_split_lan() {
    [[ -f "$LAB_STATE" ]] && grep -qxE 'variant=(vlan|lans)' "$LAB_STATE"
}

# lab_link_exists <namespace> <ifname>
lab_link_exists() {
    lab_ns_exists "$1" && ip -n "$1" link show dev "$2" >/dev/null 2>&1
}

# lab_backend_ip <tftp1|tftp2>
lab_backend_ip() {
    case "$1" in
        tftp1) printf '%s\n' "$LAB_TFTP1_IP" ;;
        tftp2)
            if lab_split_lan; then
                printf '%s\n' "$LAB_VLAN_B_TFTP2_IP"
            else
                printf '%s\n' "$LAB_TFTP2_IP"
            fi
            ;;
        *) lab_die "unknown backend: $1 (tftp1|tftp2)" ;;
    esac
}

lab_backend_mac() {
    case "$1" in
        tftp1) printf '%s\n' "$LAB_MAC_TFTP1" ;;
        tftp2) printf '%s\n' "$LAB_MAC_TFTP2" ;;
        *) lab_die "unknown backend: $1 (tftp1|tftp2)" ;;
    esac
}

# lab_client_extra_ip <n> -> n-th extra client address (0-based).
lab_client_extra_ip() {
    (($1 >= 0 && $1 < LAB_CLIENT_EXTRA_COUNT)) || lab_die "extra client index out of range: $1"
    printf '192.0.2.%d\n' $((LAB_CLIENT_EXTRA_FIRST + $1))
}

# lab_client6_extra_ip <n> -> n-th extra IPv6 client address (0-based), as lab/up --ipv6 adds them.
lab_client6_extra_ip() {
    (($1 >= 0 && $1 < LAB_CLIENT_EXTRA_COUNT)) || lab_die "extra client index out of range: $1"
    printf '2001:db8:1::%x\n' $((LAB_CLIENT6_EXTRA_FIRST + $1))
}

# lab_backend6_ip <tftp1|tftp2>: the backend's real IPv6 address (lab/up --ipv6).
lab_backend6_ip() {
    case "$1" in
        tftp1) printf '%s\n' "$LAB_TFTP1_6_IP" ;;
        tftp2)
            if [[ -f "$LAB_STATE" ]] && grep -qx 'variant=vlan' "$LAB_STATE"; then
                printf '%s\n' "$LAB_VLAN_B_TFTP2_6_IP"
            else
                printf '%s\n' "$LAB_TFTP2_6_IP"
            fi
            ;;
        *) lab_die "unknown backend: $1 (tftp1|tftp2)" ;;
    esac
}

# lab_ipv6 -> 0 or 1: whether the running lab was built with --ipv6.
lab_ipv6() {
    local v
    v=$(lab_state_get ipv6)
    printf '%s\n' "${v:-0}"
}

# lab_client6_src [addr]: lab_client_src for IPv6 (the src hint of the client's
# IPv6 default route); without an argument 2001:db8:1::10 comes back.
lab_client6_src() {
    local addr="${1:-$LAB_CLIENT6_IP}"
    ip -n "$LAB_NS_CLIENT" -6 route replace default via "$LAB_ROUTER6_CLIENT_IP" dev eth0 src "$addr"
}

# lab_ipv6_quiet <namespace>: IPv6 on in a namespace, without the frames nobody
# asked for. Run before its interfaces exist, so that they inherit the defaults:
# no router solicitations, no SLAAC, no DAD (link-local addresses are usable at
# once; the lab's own addresses are added with nodad too), and an output rule
# that drops the kernel's MLD reports (joins of solicited-node groups on every
# address; the switch does no snooping, so nobody needs them). What stays on the
# wire is NDP that some packet needed, and the traffic of the test.
lab_ipv6_quiet() {
    local ns="$1" scope key
    for scope in all default; do
        for key in disable_ipv6=0 accept_ra=0 autoconf=0 router_solicitations=0 accept_dad=0 dad_transmits=0; do
            ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.$scope.$key"
        done
    done
    ip netns exec "$ns" nft -f - <<'NFT'
table ip6 dsrlblab_quiet {
    chain output {
        type filter hook output priority filter; policy accept;
        icmpv6 type { mld-listener-report, mld2-listener-report, mld-listener-done, nd-router-solicit } drop
    }
}
NFT
}

# lab_client_src [addr]: tftp-hpa and atftp cannot bind a source address, so
# steer the kernel's choice through the default route's src hint. Without an
# argument the primary address comes back.
lab_client_src() {
    local addr="${1:-$LAB_CLIENT_IP}"
    ip -n "$LAB_NS_CLIENT" route replace default via "$LAB_ROUTER_CLIENT_IP" dev eth0 src "$addr"
}

# lab_all_veths: "<namespace> <ifname>" for every veth end of the lab.
lab_all_veths() {
    printf '%s eth0\n' "$LAB_NS_CLIENT" "$LAB_NS_ROUTER" "$LAB_NS_LB" "$LAB_NS_TFTP1" "$LAB_NS_TFTP2"
    printf '%s eth1\n' "$LAB_NS_ROUTER"
    printf '%s %s\n' "$LAB_NS_SW" p-router "$LAB_NS_SW" p-lb "$LAB_NS_SW" p-tftp1 "$LAB_NS_SW" p-tftp2
    if lab_ns_exists "$LAB_NS_LB2"; then
        printf '%s %s\n' "$LAB_NS_LB2" eth0 "$LAB_NS_SW" p-lb2
    fi
    # The second server LAN of --vlan and --lans: the router's eth3, and with --lans
    # dsrlb-lb's eth1.
    if lab_link_exists "$LAB_NS_ROUTER" eth3; then
        printf '%s %s\n' "$LAB_NS_ROUTER" eth3 "$LAB_NS_SW" p-router-b
    fi
    if lab_link_exists "$LAB_NS_LB" eth1; then
        printf '%s %s\n' "$LAB_NS_LB" eth1 "$LAB_NS_SW" p-lb-b
    fi
}

# lab_set_offload on|off: tx checksum offload on every veth. "on" is what veth
# does by default: locally generated UDP leaves with a partial checksum
# (pseudo-header only) that nobody completes on the way through veths and the
# bridge, so a packet forwarder that reads frames from a socket sees it
# unfinished. "off" makes the sender's kernel compute checksums in software.
lab_set_offload() {
    local mode="$1" ns ifname
    [[ "$mode" == on || "$mode" == off ]] || lab_die "offload must be on or off, not '$mode'"
    while read -r ns ifname; do
        # ethtool exits non-zero when nothing had to change on some versions;
        # the state is verified below instead.
        ip netns exec "$ns" ethtool -K "$ifname" tx "$mode" >/dev/null 2>&1 || true
        local now
        now=$(ip netns exec "$ns" ethtool -k "$ifname" | awk '$1 == "tx-checksumming:" {print $2}')
        [[ "$now" == "$mode" ]] || lab_die "tx checksumming on $ns/$ifname is '$now', wanted '$mode'"
    done < <(lab_all_veths)
    lab_state_set offload "$mode"
}

# ---------------------------------------------------------------- state file
# <labdir>/state holds key=value lines (backend2, offload) for the scripts
# that act on a running lab.
lab_state_get() {
    [[ -f "$LAB_STATE" ]] || return 0
    awk -F= -v k="$1" '$1 == k {v = substr($0, length(k) + 2)} END {if (v != "") print v}' "$LAB_STATE"
}

lab_state_set() {
    [[ -d "$LAB_DIR" ]] || return 0
    local tmp="$LAB_STATE.tmp"
    {
        if [[ -f "$LAB_STATE" ]]; then grep -v "^$1=" "$LAB_STATE" || true; fi
        printf '%s=%s\n' "$1" "$2"
    } >"$tmp"
    mv -f "$tmp" "$LAB_STATE"
}

lab_require_up() {
    local ns
    for ns in "${LAB_NAMESPACES[@]}"; do
        lab_ns_exists "$ns" || lab_die "lab is not up (namespace $ns missing); run lab/up"
    done
}

# ---------------------------------------------------------------- dependencies
lab_pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# lab_install_deps: installs whatever the lab needs and is missing.
lab_install_deps() {
    lab_install_packages "${LAB_PACKAGES[@]}"
    lab_install_packages "${LAB_BUILD_PACKAGES[@]}"
}

# lab_install_jdk: a JDK of at least release 17 (the pom's
# maven.compiler.release) for building and running dsrlb; Maven itself comes
# through ./mvnw. Debian 12's openjdk-17-jdk-headless when none is there.
lab_install_jdk() {
    local v=""
    if command -v javac >/dev/null 2>&1; then
        v=$(javac -version 2>&1 | awk '{print $2}' | cut -d. -f1)
    fi
    if [[ "$v" =~ ^[0-9]+$ ]] && ((v >= 17)); then
        return 0
    fi
    lab_install_packages openjdk-17-jdk-headless
}

# lab_install_packages <pkg...>: apt-get installs those not installed yet.
# Installing tftpd-hpa would start a system tftpd on the host's port 69; a
# temporary policy-rc.d forbids that, and where systemd runs the unit is also
# disabled so it does not come back at boot.
lab_install_packages() {
    local pkg missing=() fresh_tftpd=0 fresh_keepalived=0 fresh_bird=0
    for pkg in "$@"; do
        lab_pkg_installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]} > 0)) || return 0
    for pkg in "${missing[@]}"; do
        if [[ "$pkg" == tftpd-hpa ]]; then fresh_tftpd=1; fi
        if [[ "$pkg" == keepalived ]]; then fresh_keepalived=1; fi
        if [[ "$pkg" == bird2 ]]; then fresh_bird=1; fi
    done
    lab_log "installing: ${missing[*]}"
    local prc=/usr/sbin/policy-rc.d own_prc=0 rc=0
    if [[ ! -e "$prc" ]]; then
        printf '#!/bin/sh\n# dsrlb lab: no service starts during package installation\nexit 101\n' >"$prc"
        chmod 755 "$prc"
        own_prc=1
    fi
    # apt's chatter goes to stderr: callers' stdout is for results.
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    } >&2 || rc=$?
    ((own_prc == 0)) || rm -f "$prc"
    ((rc == 0)) || lab_die "apt-get failed (exit $rc)"
    if ((fresh_tftpd)); then
        if [[ -d /run/systemd/system ]]; then
            systemctl disable --now tftpd-hpa.service >/dev/null 2>&1 || true
        elif [[ -x /etc/init.d/tftpd-hpa ]]; then
            # Without systemd the sysv script is what would start it at boot.
            update-rc.d tftpd-hpa disable >/dev/null 2>&1 || true
            /etc/init.d/tftpd-hpa stop >/dev/null 2>&1 || true
        fi
    fi
    # keepalived runs only inside the lab's LB namespaces (lab/up --ha), never
    # as the host's service.
    if ((fresh_keepalived)) && [[ -d /run/systemd/system ]]; then
        systemctl disable --now keepalived.service >/dev/null 2>&1 || true
    fi
    # Likewise bird (lab/up --bgp): only in the router and LB namespaces.
    if ((fresh_bird)) && [[ -d /run/systemd/system ]]; then
        systemctl disable --now bird.service >/dev/null 2>&1 || true
    fi
}

# ---------------------------------------------------------------- daemons
# Daemons are recorded as <labdir>/<name>.pid. We signal a pid only while its
# command line still names our lab directory, so a recycled pid is never hit.
lab_pid_is_ours() {
    local pid="$1" cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    [[ "$cmdline" == *"$LAB_DIR"* ]]
}

# lab_kill_pidfile <pidfile>: SIGTERM, wait up to 5 s, then SIGKILL.
# tftpd-hpa runs in a process group of its own (pgid = recorded pid) and forks
# a child per transfer that inherits a SIGTERM handler which only sets a flag,
# so a child stuck in a transfer outlives SIGTERM: the whole group gets
# SIGKILL once the daemon is gone. The kernel does not hand out a pid that is
# still some group's id, so that group holds only our daemon's children.
lab_kill_pidfile() {
    local pidfile="$1" pid pgid i group=0
    [[ -f "$pidfile" ]] || return 0
    pid=$(tr -dc '0-9' <"$pidfile")
    if lab_pid_is_ours "$pid"; then
        pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -dc '0-9' || true)
        [[ "$pgid" != "$pid" ]] || group=1
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            lab_pid_is_ours "$pid" || break
            sleep 0.1
        done
        if lab_pid_is_ours "$pid"; then
            lab_warn "pid $pid ($pidfile) ignored SIGTERM, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        if ((group)); then
            kill -KILL -- "-$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

# lab_teardown: safe on a half-built lab and on no lab at all.
lab_teardown() {
    local f ns pids
    if [[ -d "$LAB_DIR" ]]; then
        for f in "$LAB_DIR"/*.pid; do
            [[ -e "$f" ]] || continue
            lab_kill_pidfile "$f"
        done
    fi
    for ns in "${LAB_NAMESPACES[@]}" "$LAB_NS_LB2" "$LAB_NS_PXE"; do
        lab_ns_exists "$ns" || continue
        pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ' || true)
        # Processes we did not start (e.g. a dsrlb under test) are not ours to
        # kill; they keep a detached namespace alive until they exit.
        [[ -z "${pids// /}" ]] || lab_warn "processes still in $ns (not ours, left alone): $pids"
        ip netns delete "$ns" 2>/dev/null || lab_warn "could not delete namespace $ns"
    done
    if [[ -d "$LAB_DIR" ]]; then
        if [[ -e "$LAB_DIR/$LAB_MARKER" ]]; then
            rm -rf -- "$LAB_DIR"
        else
            lab_warn "$LAB_DIR has no $LAB_MARKER marker; not removing it"
        fi
    fi
}

# ---------------------------------------------------------------- TFTP servers
# lab_daemon <cmd...>: starts a daemon without our file descriptors above 2. Whoever runs the
# lab under `flock /tmp/dsrlb-lab.lock` holds the lock on such a descriptor; a daemon that
# inherited it would keep the lab locked after a killed run until someone stops it.
lab_daemon() {
    local fd
    for fd in "/proc/$BASHPID/fd"/*; do
        fd="${fd##*/}"
        if ((fd > 2)); then
            eval "exec $fd>&-" 2>/dev/null || true
        fi
    done
    "$@"
}

lab_start_tftpd_hpa() {
    local backend="$1" listen=(--address 0.0.0.0:69)
    # Listens on the wildcard address; each transfer's child binds to the
    # address the RRQ was sent to (IP_PKTINFO), i.e. answers from the VIP.
    # With --ipv6 no --address: then it opens one socket per family (the IPv6
    # one IPV6_V6ONLY) on the tftp port of /etc/services.
    if (($(lab_ipv6))); then listen=(); fi
    (lab_daemon ip netns exec "$(lab_ns "$backend")" in.tftpd --listen "${listen[@]}" --secure \
        --pidfile "$LAB_DIR/$backend.pid" "$LAB_DIR/$backend")
}

lab_start_dnsmasq() {
    local backend="$1"
    # --conf-file=/dev/null: ignore any /etc/dnsmasq.conf of the host.
    # --port=0: no DNS. No --bind-interfaces: on the wildcard socket dnsmasq
    # learns the destination address per packet and answers from it (the VIP).
    # --tftp-max: the default 50 concurrent transfers is below the storms the
    # tests run.
    (lab_daemon ip netns exec "$(lab_ns "$backend")" dnsmasq --conf-file=/dev/null --port=0 \
        --no-resolv --no-hosts --enable-tftp --tftp-root="$LAB_DIR/$backend" \
        --tftp-max=512 --pid-file="$LAB_DIR/$backend.pid" \
        --log-facility="$LAB_DIR/$backend.log")
}

lab_wait_listening() {
    local backend="$1" i
    for ((i = 0; i < 50; i++)); do
        if [[ -s "$LAB_DIR/$backend.pid" ]] &&
            [[ -n "$(ip netns exec "$(lab_ns "$backend")" ss -Hlun 'sport = :69')" ]]; then
            return 0
        fi
        sleep 0.1
    done
    lab_die "$backend: no TFTP server listening on port 69 after 5 s"
}

# tftpd-hpa 5.2 turns IP_PKTINFO on only after it has read a first datagram
# (it keys the setsockopt on the previous sender's address family), so the
# very first RRQ after a start is answered from the address the route picks
# (the real one), not from the VIP it was sent to, and that transfer fails.
# One request from inside the namespace uses up that first datagram; it comes
# from 127.0.0.1, so no lab counter or set sees it.
#
# With --ipv6 it has a socket per family, and the option it sets before each
# read is the one of the previous sender's family, on the socket being read: a
# socket gets its own family's option only when two requests of that family
# come in a row. Primed once each, the IPv4 socket still answered the first
# IPv4 request after IPv6 ones from its real address (Ipv6IT, mixed storm), so
# each family is primed twice in a row.
lab_prime_tftpd_hpa() {
    local backend="$1" out="$LAB_DIR/.prime-$1" msg lo loopback=(127.0.0.1)
    if (($(lab_ipv6))); then loopback=(127.0.0.1 127.0.0.1 ::1 ::1); fi
    for lo in "${loopback[@]}"; do
        msg=$(timeout 10 ip netns exec "$(lab_ns "$backend")" tftp -m binary "$lo" -c get empty.bin "$out" 2>&1) ||
            lab_die "$backend: priming request to $lo failed: $msg"
        [[ -z "$msg" && -f "$out" ]] || lab_die "$backend: priming request to $lo failed: $msg"
        rm -f "$out"
    done
}

# lab_start_backend <tftp1|tftp2>: starts the backend's TFTP server as lab/up configured it.
lab_start_backend() {
    local backend="$1" kind=tftpd-hpa
    if [[ "$backend" == tftp2 ]]; then kind=$(lab_state_get backend2); fi
    if [[ "$kind" == dnsmasq ]]; then
        lab_start_dnsmasq "$backend" || lab_die "$backend: dnsmasq did not start (see $LAB_DIR/$backend.log)"
    else
        lab_start_tftpd_hpa "$backend" || lab_die "$backend: in.tftpd did not start"
    fi
    lab_wait_listening "$backend"
    [[ "$kind" == dnsmasq ]] || lab_prime_tftpd_hpa "$backend"
}

# ---------------------------------------------------------------- HA (lab/up --ha)
# lab_lb_socket <lb|lb2>: the control socket the HA/ECMP tests give that node's dsrlb.
lab_lb_socket() {
    printf '%s/%s.sock\n' "$LAB_DIR" "$1"
}

# lab_lb_role_file <lb|lb2>: the --ha-role-file of that node's dsrlb, written by
# keepalived's notify script.
lab_lb_role_file() {
    printf '%s/%s.role\n' "$LAB_DIR" "$1"
}

# lab_start_keepalived <lb|lb2> <priority>: keepalived (VRRP only) in the LB's
# namespace, deciding which dsrlb owns the VIP. The VIP is not keepalived's: it
# must stay dsrlb's (its ARP answers; a loopback marker satisfies keepalived's
# need for an address); the notify scripts switch dsrlb between
# active and standby, and the track script puts a node without a listening
# dsrlb into FAULT, so a node whose dsrlb died hands over at once.
lab_start_keepalived() {
    local lb="$1" priority="$2" repo conf sock
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    conf="$LAB_DIR/keepalived-$lb.conf"
    sock=$(lab_lb_socket "$lb")
    local notify="$repo/examples/keepalived/dsrlb-notify"
    local notify_args
    notify_args="$(lab_lb_role_file "$lb") $LAB_DIR/ha-notify-$lb.log"
    cat >"$conf" <<CONF
global_defs {
    router_id dsrlb-$lb
    script_user root
    # No gratuitous ARP of keepalived's own: it has no address to announce.
    vrrp_garp_master_delay 0
}
vrrp_script chk_dsrlb {
    script "$repo/examples/keepalived/dsrlb-check $sock"
    interval 1
    timeout 1
    fall 1
    rise 1
}
vrrp_instance dsrlb_vip {
    state BACKUP
    interface eth0
    virtual_router_id 20
    version 3
    priority $priority
    # Failover after 3 × advert_int + skew ≈ 0.7 s when the master vanishes;
    # at once (priority 0 advert) when its dsrlb dies and it goes to FAULT.
    advert_int 0.2
    # keepalived 2.2.7 refuses an instance without addresses ("No VIP
    # specified"). A loopback marker does no harm: 127.0.0.0/8 never reaches
    # the LAN, and the service VIP stays dsrlb's, answered from user space.
    virtual_ipaddress {
        127.0.0.20/32 dev lo scope host
    }
    track_script {
        chk_dsrlb
    }
    notify_master "$notify master $notify_args"
    notify_backup "$notify backup $notify_args"
    notify_fault "$notify fault $notify_args"
    notify_stop "$notify stop $notify_args"
}
CONF
    # Foreground (no syslog in a namespace test box), detached into its own
    # session; its pid file is what lab_teardown stops (the VRRP child's pid
    # file is not a *.pid, so teardown stops the parent, which stops the child).
    setsid ip netns exec "$(lab_ns "$lb")" keepalived --vrrp --dont-fork --log-console --no-syslog \
        --log-detail --use-file "$conf" --pid "$LAB_DIR/keepalived-$lb.pid" \
        --vrrp_pid "$LAB_DIR/keepalived-$lb.vrrp-pid" </dev/null >"$LAB_DIR/keepalived-$lb.log" 2>&1 &
    local i
    for ((i = 0; i < 50; i++)); do
        [[ -s "$LAB_DIR/keepalived-$lb.vrrp-pid" ]] && return 0
        sleep 0.1
    done
    lab_die "keepalived did not start in $lb: $(tail -20 "$LAB_DIR/keepalived-$lb.log")"
}

# ---------------------------------------------------------------- BGP (lab/up --bgp)
# The BIRD configs the lab runs verbatim (docs/operations.md shows the same files).
lab_bird_conf() {
    local repo
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    case "$1" in
        router) printf '%s/examples/bird/router.conf\n' "$repo" ;;
        lb | lb2) printf '%s/examples/bird/dsrlb-node.conf\n' "$repo" ;;
        *) lab_die "no BIRD config for $1" ;;
    esac
}

# lab_bird_socket <router|lb|lb2>: the control socket of that namespace's BIRD (birdc -s).
lab_bird_socket() {
    printf '%s/bird-%s.ctl\n' "$LAB_DIR" "$1"
}

# lab_start_bird <router|lb|lb2>: BIRD 2 in the foreground (-f; its log on stderr goes to
# <labdir>/bird-<role>.log), detached into its own session, without our descriptors; its pid
# file <labdir>/bird-<role>.pid is what lab_teardown stops.
lab_start_bird() {
    local role="$1" conf sock pidfile log
    conf=$(lab_bird_conf "$role")
    sock=$(lab_bird_socket "$role")
    pidfile="$LAB_DIR/bird-$role.pid"
    log="$LAB_DIR/bird-$role.log"
    bird -p -c "$conf" || lab_die "BIRD refuses $conf"
    (lab_daemon setsid ip netns exec "$(lab_ns "$role")" bird -f -c "$conf" -s "$sock" -P "$pidfile" \
        </dev/null >"$log" 2>&1 &)
    local i
    for ((i = 0; i < 50; i++)); do
        if [[ -s "$pidfile" && -S "$sock" ]]; then return 0; fi
        sleep 0.1
    done
    lab_die "bird did not start in $role: $(tail -20 "$log")"
}

# lab_wait_bgp <n>: waits up to 15 s until the router's BIRD has n established sessions.
lab_wait_bgp() {
    local want="$1" i n=0 sock
    sock=$(lab_bird_socket router)
    for ((i = 0; i < 150; i++)); do
        n=$(birdc -s "$sock" show protocols 2>/dev/null | grep -c Established || true)
        ((n < want)) || return 0
        sleep 0.1
    done
    lab_die "only $n of $want BGP sessions established after 15 s: $(birdc -s "$sock" show protocols all 2>&1 | tail -30)"
}
