package dsrlb.frame;

/**
 * Offsets and accessors of an Ethernet II header at the start of a frame buffer, untagged or
 * with one 802.1Q tag (TPID 0x8100, then the TCI, then the inner EtherType: 18 bytes).
 */
public final class Ethernet {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ETHER_TYPE = 12;
    public static final int HEADER_LENGTH = 14;
    /** The 802.1Q tag control information (PCP, DEI, 12-bit VLAN id) of a tagged frame. */
    public static final int TCI = 14;

    public static final int INNER_ETHER_TYPE = 16;
    public static final int TAG_LENGTH = 4;
    public static final int TAGGED_HEADER_LENGTH = HEADER_LENGTH + TAG_LENGTH;
    public static final int VLAN_ID_MASK = 0x0fff;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_QINQ = 0x88a8;

    private Ethernet() {}

    public static int etherType(byte[] frame) {
        return Bytes.u16(frame, ETHER_TYPE);
    }

    /** The VLAN id of a frame whose {@link #etherType} is {@link #TYPE_VLAN}. */
    public static int vlanId(byte[] frame) {
        return Bytes.u16(frame, TCI) & VLAN_ID_MASK;
    }

    /** Where the payload (IPv4, ARP) of a frame with at most one 802.1Q tag starts. */
    public static int payloadOffset(byte[] frame) {
        return etherType(frame) == TYPE_VLAN ? TAGGED_HEADER_LENGTH : HEADER_LENGTH;
    }

    /** Writes the EtherType (and the tag before it when {@code vlan} is not 0); returns where the payload starts. */
    public static int writeType(byte[] out, int vlan, int etherType) {
        if (vlan == 0) {
            Bytes.putU16(out, ETHER_TYPE, etherType);
            return HEADER_LENGTH;
        }
        Bytes.putU16(out, ETHER_TYPE, TYPE_VLAN);
        Bytes.putU16(out, TCI, vlan & VLAN_ID_MASK);
        Bytes.putU16(out, INNER_ETHER_TYPE, etherType);
        return TAGGED_HEADER_LENGTH;
    }

    /** Group bit of the destination: broadcast or multicast. */
    public static boolean isGroupDestination(byte[] frame) {
        return (frame[DESTINATION] & 1) != 0;
    }
}
