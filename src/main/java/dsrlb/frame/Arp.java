package dsrlb.frame;

import dsrlb.net.MacAddress;
import java.util.Arrays;

/**
 * ARP for IPv4 over Ethernet (RFC 826) at offset {@link Ethernet#HEADER_LENGTH}: reads a
 * received packet in place and writes requests and replies into a caller's buffer. The methods
 * that take an {@code arp} offset read or write the packet behind an 802.1Q tag too
 * ({@link Ethernet#TAGGED_HEADER_LENGTH}); the field constants are those of an untagged frame.
 */
public final class Arp {
    public static final int OFFSET = Ethernet.HEADER_LENGTH;
    public static final int LENGTH = 28;
    /** Ethernet frames are padded to 60 bytes (without FCS); ARP is shorter. */
    public static final int FRAME_LENGTH = 60;
    /** A tagged frame is padded to 64, so that it is still 60 once a switch takes the tag off. */
    public static final int TAGGED_FRAME_LENGTH = FRAME_LENGTH + Ethernet.TAG_LENGTH;

    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private static final int HTYPE = OFFSET;
    private static final int PTYPE = OFFSET + 2;
    private static final int HLEN = OFFSET + 4;
    private static final int PLEN = OFFSET + 5;
    private static final int OPER = OFFSET + 6;
    public static final int SENDER_MAC = OFFSET + 8;
    public static final int SENDER_IP = OFFSET + 14;
    public static final int TARGET_MAC = OFFSET + 18;
    public static final int TARGET_IP = OFFSET + 24;

    private Arp() {}

    /** True for a complete Ethernet/IPv4 ARP packet; anything else is malformed for us. */
    public static boolean isValid(byte[] frame, int length) {
        return isValid(frame, OFFSET, length);
    }

    /** {@link #isValid(byte[], int)} for the packet at {@code arp}. */
    public static boolean isValid(byte[] frame, int arp, int length) {
        return length >= arp + LENGTH
                && Bytes.u16(frame, arp + HTYPE - OFFSET) == 1
                && Bytes.u16(frame, arp + PTYPE - OFFSET) == Ethernet.TYPE_IPV4
                && Bytes.u8(frame, arp + HLEN - OFFSET) == 6
                && Bytes.u8(frame, arp + PLEN - OFFSET) == 4;
    }

    public static int operation(byte[] frame) {
        return operation(frame, OFFSET);
    }

    public static int operation(byte[] frame, int arp) {
        return Bytes.u16(frame, arp + OPER - OFFSET);
    }

    public static int senderIp(byte[] frame) {
        return senderIp(frame, OFFSET);
    }

    public static int senderIp(byte[] frame, int arp) {
        return Bytes.i32(frame, arp + SENDER_IP - OFFSET);
    }

    public static int targetIp(byte[] frame) {
        return targetIp(frame, OFFSET);
    }

    public static int targetIp(byte[] frame, int arp) {
        return Bytes.i32(frame, arp + TARGET_IP - OFFSET);
    }

    /** Where the field at untagged offset {@code field} (e.g. {@link #SENDER_MAC}) is for the packet at {@code arp}. */
    public static int field(int arp, int field) {
        return arp + field - OFFSET;
    }

    /**
     * Writes a reply to the request in {@code request}: "{@code ip} is at {@code ownMac}",
     * unicast to the requester. Returns the frame length.
     */
    public static int writeReply(byte[] request, byte[] out, MacAddress ownMac, int ip) {
        return writeReply(request, OFFSET, out, 0, ownMac, ip);
    }

    /**
     * {@link #writeReply(byte[], byte[], MacAddress, int)} for the request at {@code arp}, the
     * reply tagged with {@code vlan} (0: untagged). {@code out} holds {@link #TAGGED_FRAME_LENGTH}.
     */
    public static int writeReply(byte[] request, int arp, byte[] out, int vlan, MacAddress ownMac, int ip) {
        System.arraycopy(request, field(arp, SENDER_MAC), out, Ethernet.DESTINATION, 6);
        ownMac.writeTo(out, Ethernet.SOURCE);
        int at = Ethernet.writeType(out, vlan, Ethernet.TYPE_ARP);
        writeBody(out, at, OP_REPLY, ownMac, ip);
        System.arraycopy(request, field(arp, SENDER_MAC), out, field(at, TARGET_MAC), 6);
        System.arraycopy(request, field(arp, SENDER_IP), out, field(at, TARGET_IP), 4);
        return frameLength(vlan);
    }

    /** Writes a broadcast request "who has {@code targetIp}? tell {@code senderIp}". */
    public static int writeRequest(byte[] out, MacAddress ownMac, int senderIp, int targetIp) {
        return writeRequest(out, 0, ownMac, senderIp, targetIp);
    }

    /** {@link #writeRequest(byte[], MacAddress, int, int)} tagged with {@code vlan} (0: untagged). */
    public static int writeRequest(byte[] out, int vlan, MacAddress ownMac, int senderIp, int targetIp) {
        MacAddress.BROADCAST.writeTo(out, Ethernet.DESTINATION);
        ownMac.writeTo(out, Ethernet.SOURCE);
        int at = Ethernet.writeType(out, vlan, Ethernet.TYPE_ARP);
        writeBody(out, at, OP_REQUEST, ownMac, senderIp);
        MacAddress.ZERO.writeTo(out, field(at, TARGET_MAC));
        Bytes.putI32(out, field(at, TARGET_IP), targetIp);
        return frameLength(vlan);
    }

    /**
     * Writes a gratuitous ARP for {@code ip}: a broadcast request whose sender and target are
     * both {@code ip}, the form Linux and most switches update their tables from.
     */
    public static int writeGratuitous(byte[] out, MacAddress ownMac, int ip) {
        return writeRequest(out, ownMac, ip, ip);
    }

    /** {@link #writeGratuitous(byte[], MacAddress, int)} tagged with {@code vlan} (0: untagged). */
    public static int writeGratuitous(byte[] out, int vlan, MacAddress ownMac, int ip) {
        return writeRequest(out, vlan, ownMac, ip, ip);
    }

    private static int frameLength(int vlan) {
        return vlan == 0 ? FRAME_LENGTH : TAGGED_FRAME_LENGTH;
    }

    private static void writeBody(byte[] out, int arp, int op, MacAddress senderMac, int senderIp) {
        Bytes.putU16(out, field(arp, HTYPE), 1);
        Bytes.putU16(out, field(arp, PTYPE), Ethernet.TYPE_IPV4);
        out[field(arp, HLEN)] = 6;
        out[field(arp, PLEN)] = 4;
        Bytes.putU16(out, field(arp, OPER), op);
        senderMac.writeTo(out, field(arp, SENDER_MAC));
        Bytes.putI32(out, field(arp, SENDER_IP), senderIp);
        Arrays.fill(out, arp + LENGTH, arp + LENGTH + FRAME_LENGTH - OFFSET - LENGTH, (byte) 0);
    }
}
