package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.frame.Arp;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArpResolverTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final int LB_IP = Ipv4.parse("198.51.100.10");
    static final int TFTP1_IP = Ipv4.parse("198.51.100.30");

    final MemoryPacketIo io = new MemoryPacketIo(LB);
    long now = 1_000_000_000L;
    final LoadBalancer lb = new LoadBalancer(TestConfigs.seed(), new FakeTicker(), 251);
    final ArpResolver resolver =
            new ArpResolver(io, lb, LB_IP, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(35), () -> now);

    private static byte[] replyFrom(MacAddress mac, int ip) {
        byte[] f = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(f, mac, ip, LB_IP);
        f[Arp.OFFSET + 7] = Arp.OP_REPLY;
        return f;
    }

    @Test
    void asksEveryBackendFromTheLbsOwnAddressAndProbesTheVip() {
        resolver.tick();
        List<byte[]> sent = io.sent();
        assertEquals(3, sent.size());
        assertEquals(TestConfigs.VIP, Arp.targetIp(sent.get(0)), "who has the VIP? only we may answer");
        sent = sent.subList(1, 3);
        for (byte[] f : sent) {
            assertTrue(MacAddress.BROADCAST.matches(f, 0));
            assertEquals(Arp.OP_REQUEST, Arp.operation(f));
            assertEquals(LB_IP, Arp.senderIp(f));
        }
        assertEquals(TFTP1_IP, Arp.targetIp(sent.get(0)));
        assertEquals(Ipv4.parse("198.51.100.31"), Arp.targetIp(sent.get(1)));
    }

    @Test
    void aReplyMakesTheServiceUpAndSilenceTakesItDownAgain() {
        assertEquals(ServiceStatus.DOWN, lb.state().services()[0].status());
        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        assertEquals(TFTP1, lb.state().services()[0].mac());
        assertEquals(ServiceStatus.UP, lb.state().services()[0].status());
        assertFalse(resolver.allResolved(), "tftp2 has not answered");

        resolver.tick();
        io.clearSent();
        now += TimeUnit.SECONDS.toNanos(5);
        resolver.tick();
        assertEquals(1, io.sent().size(), "only the unresolved backend is asked before the refresh is due");

        io.clearSent();
        now += TimeUnit.SECONDS.toNanos(6);
        resolver.tick();
        assertEquals(3, io.sent().size(), "refresh due for the resolved one and the VIP probe");

        now += TimeUnit.SECONDS.toNanos(30);
        resolver.tick();
        assertNull(lb.state().services()[0].mac(), "silent for 41 s > 35 s: MAC forgotten");
        assertEquals(ServiceStatus.DOWN, lb.state().services()[0].status());
    }

    @Test
    void aChangedMacIsFollowed() {
        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        MacAddress replaced = MacAddress.parse("02:00:00:00:00:99");
        resolver.onArp(replyFrom(replaced, TFTP1_IP));
        assertEquals(replaced, lb.state().services()[0].mac());
    }

    @Test
    void arpFromOtherHostsIsIgnored() {
        resolver.onArp(replyFrom(TFTP1, Ipv4.parse("198.51.100.99")));
        assertNull(lb.state().services()[0].mac());
        assertNull(lb.state().services()[1].mac());
    }

    /** Found by ForwarderFuzzTest: a spoofed reply made the forwarder send every client's packets to a group MAC. */
    @Test
    void aBackendIsNeverLearnedAtAGroupZeroOrOurOwnMac() {
        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        for (String bad : new String[] {
            "31:00:00:00:00:31", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "00:00:00:00:00:00", LB.toString()
        }) {
            resolver.onArp(replyFrom(MacAddress.parse(bad), TFTP1_IP));
            assertEquals(TFTP1, lb.state().services()[0].mac(), bad + " ignored");
        }
    }
}
