package dsrlb.dataplane;

import java.util.Locale;

/** Why a received frame was not forwarded; each has a counter. */
public enum DropReason {
    TRUNCATED("frame shorter than its headers"),
    OWN_SOURCE_MAC("frame sent by dsrlb itself"),
    NOT_OUR_MAC("unicast frame for another MAC"),
    GROUP_DESTINATION("IPv4 to a VIP with a broadcast/multicast destination MAC"),
    VLAN_TAGGED("802.1ad (QinQ) or double-tagged frame"),
    WRONG_VLAN("ARP request or IPv4 for a VIP on another VLAN than the VIP's (or untagged)"),
    OTHER_ETHERTYPE("neither IPv4 nor ARP"),
    MALFORMED_ARP("ARP that is not Ethernet/IPv4"),
    ARP_NOT_FOR_VIP("ARP not about a VIP (seen, not answered)"),
    BAD_IP_HEADER("IPv4 header malformed (version, IHL, total length)"),
    NOT_VIP("IPv4 destination is not a VIP"),
    NO_VSERVER("no vserver matches protocol and port"),
    NO_SERVICE_UP("no service of the vserver is UP"),
    WOULD_LOOP("the chosen backend is the frame's sender"),
    SEND_FAILED("the interface refused the frame"),
    STANDBY("HA standby: ARP for a VIP or a frame to a VIP, left to the active node");

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
