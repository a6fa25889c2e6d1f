package dsrlb.frame;

import dsrlb.net.MacAddress;
import java.util.Arrays;

/**
 * ARP for IPv4 over Ethernet (RFC 826) at offset {@link Ethernet#HEADER_LENGTH}: reads a
 * received packet in place and writes requests and replies into a caller's buffer.
 */
public final class Arp {
    public static final int OFFSET = Ethernet.HEADER_LENGTH;
    public static final int LENGTH = 28;
    /** Ethernet frames are padded to 60 bytes (without FCS); ARP is shorter. */
    public static final int FRAME_LENGTH = 60;

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
        return length >= OFFSET + LENGTH
                && Bytes.u16(frame, HTYPE) == 1
                && Bytes.u16(frame, PTYPE) == Ethernet.TYPE_IPV4
                && Bytes.u8(frame, HLEN) == 6
                && Bytes.u8(frame, PLEN) == 4;
    }

    public static int operation(byte[] frame) {
        return Bytes.u16(frame, OPER);
    }

    public static int senderIp(byte[] frame) {
        return Bytes.i32(frame, SENDER_IP);
    }

    public static int targetIp(byte[] frame) {
        return Bytes.i32(frame, TARGET_IP);
    }

    /**
     * Writes a reply to the request in {@code request}: "{@code ip} is at {@code ownMac}",
     * unicast to the requester. Returns the frame length.
     */
    public static int writeReply(byte[] request, byte[] out, MacAddress ownMac, int ip) {
        System.arraycopy(request, SENDER_MAC, out, Ethernet.DESTINATION, 6);
        ownMac.writeTo(out, Ethernet.SOURCE);
        writeBody(out, OP_REPLY, ownMac, ip);
        System.arraycopy(request, SENDER_MAC, out, TARGET_MAC, 6);
        System.arraycopy(request, SENDER_IP, out, TARGET_IP, 4);
        return FRAME_LENGTH;
    }

    /** Writes a broadcast request "who has {@code targetIp}? tell {@code senderIp}". */
    public static int writeRequest(byte[] out, MacAddress ownMac, int senderIp, int targetIp) {
        MacAddress.BROADCAST.writeTo(out, Ethernet.DESTINATION);
        ownMac.writeTo(out, Ethernet.SOURCE);
        writeBody(out, OP_REQUEST, ownMac, senderIp);
        MacAddress.ZERO.writeTo(out, TARGET_MAC);
        Bytes.putI32(out, TARGET_IP, targetIp);
        return FRAME_LENGTH;
    }

    /**
     * Writes a gratuitous ARP for {@code ip}: a broadcast request whose sender and target are
     * both {@code ip}, the form Linux and most switches update their tables from.
     */
    public static int writeGratuitous(byte[] out, MacAddress ownMac, int ip) {
        return writeRequest(out, ownMac, ip, ip);
    }

    private static void writeBody(byte[] out, int op, MacAddress senderMac, int senderIp) {
        Bytes.putU16(out, Ethernet.ETHER_TYPE, Ethernet.TYPE_ARP);
        Bytes.putU16(out, HTYPE, 1);
        Bytes.putU16(out, PTYPE, Ethernet.TYPE_IPV4);
        out[HLEN] = 6;
        out[PLEN] = 4;
        Bytes.putU16(out, OPER, op);
        senderMac.writeTo(out, SENDER_MAC);
        Bytes.putI32(out, SENDER_IP, senderIp);
        Arrays.fill(out, OFFSET + LENGTH, FRAME_LENGTH, (byte) 0);
    }
}
