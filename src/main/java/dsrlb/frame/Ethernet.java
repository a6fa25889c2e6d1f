package dsrlb.frame;

/** Offsets and accessors of an Ethernet II header at the start of a frame buffer. */
public final class Ethernet {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ETHER_TYPE = 12;
    public static final int HEADER_LENGTH = 14;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_QINQ = 0x88a8;

    private Ethernet() {}

    public static int etherType(byte[] frame) {
        return Bytes.u16(frame, ETHER_TYPE);
    }

    /** Group bit of the destination: broadcast or multicast. */
    public static boolean isGroupDestination(byte[] frame) {
        return (frame[DESTINATION] & 1) != 0;
    }
}
