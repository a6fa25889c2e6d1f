package dsrlb.frame;

import static dsrlb.testing.FrameBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import org.junit.jupiter.api.Test;

class ArpTest {
    private static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    private static final int ROUTER_IP = Ipv4.parse("198.51.100.1");
    private static final int VIP = Ipv4.parse("198.51.100.20");

    @Test
    void requestHasTheWireLayoutOfRfc826() {
        byte[] f = frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(ROUTER_IP, VIP)
                .build();
        assertEquals(60, f.length);
        assertTrue(MacAddress.BROADCAST.matches(f, 0));
        assertEquals(Ethernet.TYPE_ARP, Ethernet.etherType(f));
        assertEquals("0001080006040001", java.util.HexFormat.of().formatHex(f, 14, 22));
        assertTrue(Arp.isValid(f, f.length));
        assertEquals(Arp.OP_REQUEST, Arp.operation(f));
        assertEquals(ROUTER_IP, Arp.senderIp(f));
        assertEquals(VIP, Arp.targetIp(f));
    }

    @Test
    void replyAnswersTheRequesterWithOurMac() {
        byte[] req = frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(ROUTER_IP, VIP)
                .build();
        byte[] out = new byte[Arp.FRAME_LENGTH];
        int n = Arp.writeReply(req, out, LB, VIP);
        assertEquals(60, n);
        assertTrue(ROUTER.matches(out, Ethernet.DESTINATION));
        assertTrue(LB.matches(out, Ethernet.SOURCE));
        assertEquals(Arp.OP_REPLY, Arp.operation(out));
        assertTrue(LB.matches(out, Arp.SENDER_MAC));
        assertEquals(VIP, Arp.senderIp(out));
        assertTrue(ROUTER.matches(out, Arp.TARGET_MAC));
        assertEquals(ROUTER_IP, Arp.targetIp(out));
    }

    @Test
    void gratuitousArpNamesTheVipAsSenderAndTarget() {
        byte[] out = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(out, LB, VIP);
        assertTrue(MacAddress.BROADCAST.matches(out, 0));
        assertEquals(VIP, Arp.senderIp(out));
        assertEquals(VIP, Arp.targetIp(out));
        assertTrue(LB.matches(out, Arp.SENDER_MAC));
    }

    @Test
    void truncatedOrForeignArpIsInvalid() {
        byte[] f = frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(ROUTER_IP, VIP)
                .build();
        assertFalse(Arp.isValid(f, 14 + 27));
        f[14 + 5] = 16; // IPv6-sized protocol addresses
        assertFalse(Arp.isValid(f, f.length));
    }
}
