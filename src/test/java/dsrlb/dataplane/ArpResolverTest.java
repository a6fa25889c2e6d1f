package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.frame.Arp;
import dsrlb.frame.Ethernet;
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

    /** What a backend answers to dsrlb's request: to our MAC and address, from its own MAC. */
    static byte[] replyFrom(MacAddress mac, int ip) {
        byte[] f = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(f, mac, ip, LB_IP);
        f[Arp.OFFSET + 7] = Arp.OP_REPLY;
        LB.writeTo(f, Ethernet.DESTINATION);
        LB.writeTo(f, Arp.TARGET_MAC);
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
    void aSecondMacIsAConflictWhileTheFirstAnswersAndIsFollowedOnceItIsSilent() {
        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        MacAddress other = MacAddress.parse("02:00:00:00:00:99");
        resolver.onArp(replyFrom(other, TFTP1_IP));
        assertEquals(TFTP1, lb.state().services()[0].mac(), "not adopted while tftp1's MAC still answers");
        assertEquals(1, lb.macConflicts().count(0));
        assertEquals(other, lb.macConflicts().last(0));

        // Flapping: the learned MAC and the other, a thousand times: no adoption, no rebuild.
        ForwardingStateCounter states = new ForwardingStateCounter(lb);
        for (int k = 0; k < 1000; k++) {
            resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
            resolver.onArp(replyFrom(other, TFTP1_IP));
        }
        assertEquals(TFTP1, lb.state().services()[0].mac());
        assertEquals(1001, lb.macConflicts().count(0));
        assertEquals(0, states.published(), "no forwarding state rebuilt for a conflict");

        // A NIC that really changed: the old MAC goes silent past --arp-stale, the new one is learned.
        now += TimeUnit.SECONDS.toNanos(36);
        resolver.tick();
        assertNull(lb.state().services()[0].mac());
        resolver.onArp(replyFrom(other, TFTP1_IP));
        assertEquals(other, lb.state().services()[0].mac());
    }

    @Test
    void gratuitousArpRequestsAndRepliesToOthersNeverTeachAMac() {
        byte[] gratuitous = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(gratuitous, TFTP1, TFTP1_IP);
        resolver.onArp(gratuitous);
        byte[] request = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(request, TFTP1, TFTP1_IP, LB_IP);
        resolver.onArp(request);
        byte[] toAnother = replyFrom(TFTP1, TFTP1_IP);
        MacAddress.parse("02:00:00:00:00:77").writeTo(toAnother, Arp.TARGET_MAC);
        resolver.onArp(toAnother);
        byte[] forged = replyFrom(TFTP1, TFTP1_IP);
        MacAddress.parse("02:00:00:00:00:66").writeTo(forged, Ethernet.SOURCE);
        resolver.onArp(forged);
        assertNull(lb.state().services()[0].mac(), "only a reply to our request, from its own MAC, teaches");

        resolver.onArp(replyFrom(TFTP1, TFTP1_IP));
        MacAddress rogue = MacAddress.parse("02:00:00:00:00:66");
        byte[] spoof = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(spoof, rogue, TFTP1_IP);
        resolver.onArp(spoof);
        assertEquals(TFTP1, lb.state().services()[0].mac(), "a spoofed gratuitous ARP takes nothing");
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

    /** Counts the forwarding states the balancer publishes from now on. */
    static final class ForwardingStateCounter {
        private final int[] count = new int[1];

        ForwardingStateCounter(LoadBalancer lb) {
            lb.subscribe(s -> count[0]++);
            count[0] = 0;
        }

        int published() {
            return count[0];
        }
    }
}
