#!/usr/bin/env bash
# vagrant/provision.sh NAME ROLE "MAC [MAC]" [ROLE ARGS...]: runs in each VM as
# root. Installs what the role needs (while the VM still has its NAT default
# route), finds the lab NICs by their fixed MACs and hands them to the same
# lab/roles/<role>.sh that lab/up runs in a network namespace.
set -euo pipefail
name="${1:?}"
role="${2:?}"
read -r -a macs <<<"${3:?}"
shift 3
repo=/vagrant
# shellcheck source-path=SCRIPTDIR source=../lab/lib.sh
source "$repo/lab/lib.sh"
trap 'lab_warn "provisioning $name failed"' ERR

ifname_of() {
    local mac="$1" ifname
    ifname=$(ip -o link | awk -v m="$mac" 'tolower($0) ~ m {sub(":", "", $2); print $2; exit}')
    [[ -n "$ifname" ]] || lab_die "no interface with MAC $mac"
    printf '%s\n' "$ifname"
}

ifaces=()
for mac in "${macs[@]}"; do
    ifaces+=("$(ifname_of "$mac")")
done

case "$role" in
    client) lab_install_packages nftables curl tftp-hpa atftp iproute2 ethtool openjdk-17-jre-headless ;;
    router) lab_install_packages nftables iproute2 ethtool ;;
    lb) lab_install_packages nftables iproute2 ethtool libpcap0.8 openjdk-17-jre-headless ;;
    backend) lab_install_packages nftables iproute2 ethtool tftpd-hpa tftp-hpa ;;
    *) lab_die "unknown role $role" ;;
esac

# Checksum offload: virtio and VirtualBox NICs may hand frames on with partial
# checksums like the lab's veths do. dsrlb completes them either way; turning
# tx offload off on the lab NICs makes every sum valid on the wire, so captures
# read cleanly (the netns lab tests both settings).
for ifname in "${ifaces[@]}"; do
    ethtool -K "$ifname" tx off >/dev/null 2>&1 || lab_warn "$ifname: could not turn tx checksum offload off"
done

# Idempotent: a second `vagrant provision` skips what is configured already.
if [[ -e "/run/dsrlb-role-$role" ]]; then
    lab_log "$name: role $role already applied"
else
    "$repo/lab/roles/$role.sh" "${ifaces[@]}" "$@"
    : >"/run/dsrlb-role-$role"
fi

case "$role" in
    backend)
        # The same files as the netns lab (random content: compare against tftp1's copy).
        install -d -m 755 /srv/tftp
        for entry in "${LAB_FILES[@]}"; do
            file="/srv/tftp/${entry%%:*}"
            [[ -e "$file" ]] || head -c "${entry##*:}" /dev/urandom >"$file"
            chmod 644 "$file"
        done
        # IPv4 wildcard, like the lab's in.tftpd --address 0.0.0.0:69.
        sed -i 's/^TFTP_ADDRESS=.*/TFTP_ADDRESS="0.0.0.0:69"/' /etc/default/tftpd-hpa
        systemctl enable tftpd-hpa.service
        systemctl restart tftpd-hpa.service
        # tftpd-hpa answers its first request from the real address (lab/README.md):
        # use that request up from 127.0.0.1.
        tftp -m binary 127.0.0.1 -c get empty.bin /tmp/.prime || true
        ;;
    lb)
        jar="$repo/target/dsrlb.jar"
        [[ -f "$jar" ]] || lab_die "$jar missing: run ./mvnw -q -DskipTests package on the host first"
        cat >/etc/systemd/system/dsrlb.service <<UNIT
[Unit]
Description=dsrlb (seed configuration)
After=network-online.target

[Service]
ExecStart=/usr/bin/java -jar $jar run --config $repo/examples/seed.conf --interface ${ifaces[0]}
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
        systemctl daemon-reload
        systemctl enable --now dsrlb.service
        ;;
esac
lab_log "$name: $role ready on ${ifaces[*]}"
