package dsrlb.dataplane;

import java.util.Locale;

/** Why a received frame was not forwarded; each has a counter. */
public enum DropReason {
    TRUNCATED("frame shorter than its headers"),
    OWN_SOURCE_MAC("frame sent by dsrlb itself"),
    NOT_OUR_MAC("unicast frame for another MAC"),
    GROUP_DESTINATION("IPv4 or IPv6 to a VIP with a broadcast/multicast destination MAC"),
    VLAN_TAGGED("802.1ad (QinQ) or double-tagged frame"),
    WRONG_VLAN("ARP/NDP request or a packet for a VIP on another VLAN than the VIP's (or untagged)"),
    OTHER_INTERFACE("ARP/NDP request or a packet for a VIP that dsrlb serves on another of its interfaces"),
    OTHER_ETHERTYPE("neither IPv4, IPv6 nor ARP"),
    MALFORMED_ARP("ARP that is not Ethernet/IPv4"),
    ARP_NOT_FOR_VIP("ARP not about a VIP (seen, not answered)"),
    MALFORMED_NDP(
            "Neighbor Discovery message that RFC 4861 says to drop (hop limit, checksum, options), or fragmented (RFC 6980)"),
    NDP_NOT_FOR_VIP("Neighbor Discovery not answered: not a solicitation for a VIP (seen, not answered)"),
    BAD_IP_HEADER("IPv4 or IPv6 header malformed (version, IHL, lengths, extension headers)"),
    NOT_VIP("IPv4 or IPv6 destination is not a VIP"),
    NO_VSERVER("no vserver matches protocol and port"),
    NO_SERVICE_UP("no service of the vserver is UP"),
    WOULD_LOOP("the chosen backend is the frame's sender"),
    SEND_FAILED("the interface refused the frame"),
    STANDBY("HA standby: ARP/NDP for a VIP or a frame to a VIP, left to the active node");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public String metricName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
