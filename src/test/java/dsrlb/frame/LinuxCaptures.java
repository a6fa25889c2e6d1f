package dsrlb.frame;

import java.util.HexFormat;

/**
 * IPv6 frames as Linux put them on a veth pair, captured with {@code tcpdump -xx} between two
 * throwaway namespaces: host A 2001:db8::1 at 02:00:00:00:00:01 (tx checksum offload on for
 * the first datagram, off for the second), host B 2001:db8::2 at 02:00:00:00:00:02. The
 * reference the NDP and checksum code is held to byte for byte.
 */
final class LinuxCaptures {
    /** B's MLDv2 report from :: at start: a Hop-by-Hop header (Router Alert) before ICMPv6. */
    static final String MLD_REPORT_HOP_BY_HOP =
            "33330000001602000000000286dd600000000024000100000000000000000000000000000000"
                    + "ff0200000000000000000000000000163a000502000001008f006f880000000104000000ff0200000000000000000001ff000002";
    /** B's duplicate address detection for 2001:db8::2: NS from :: with a Nonce option (RFC 7527). */
    static final String DAD_SOLICITATION =
            "3333ff00000202000000000286dd6000000000203aff00000000000000000000000000000000"
                    + "ff0200000000000000000001ff00000287004f520000000020010db80000000000000000000000020e017f822bf94414";
    /** A asks for B: "who has 2001:db8::2", to its solicited-node group, with A's MAC. */
    static final String SOLICITATION = "3333ff00000202000000000186dd6000000000203aff20010db8000000000000000000000001"
            + "ff0200000000000000000001ff00000287001c270000000020010db80000000000000000000000020101020000000001";
    /** B's answer: Solicited, Override, target link-layer option 02:00:00:00:00:02. */
    static final String ADVERTISEMENT = "02000000000102000000000286dd6000000000203aff20010db8000000000000000000000002"
            + "20010db800000000000000000000000188008a716000000020010db80000000000000000000000020201020000000002";
    /** A TFTP RRQ from [2001:db8::1]:40000 to port 69 as B receives it with A's tx offload on: checksum partial. */
    static final String UDP_PARTIAL = "02000000000202000000000186dd60097c1b001c114020010db8000000000000000000000001"
            + "20010db80000000000000000000000029c400045001c5ba20001415244425033322e42494e006f6374657400";
    /** The same datagram sent again with A's tx offload off: the complete checksum 0x17b2. */
    static final String UDP_COMPLETE = "02000000000202000000000186dd60097c1b001c114020010db8000000000000000000000001"
            + "20010db80000000000000000000000029c400045001c17b20001415244425033322e42494e006f6374657400";

    private LinuxCaptures() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
