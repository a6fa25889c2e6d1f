package dsrlb.dataplane;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.DsrConfig;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.L4Checksum;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final MacAddress TFTP2 = MacAddress.parse("02:00:00:00:00:31");
    static final int VIP = TestConfigs.VIP;
    static final int CLIENT = Ipv4.parse("192.0.2.10");

    final MemoryPacketIo io = new MemoryPacketIo(LB);
    final List<byte[]> observedArp = new ArrayList<>();
    LoadBalancer lb;
    Forwarder forwarder;

    @BeforeEach
    void setUp() {
        DsrConfig cfg = TestConfigs.seed();
        lb = new LoadBalancer(cfg, new FakeTicker(), 251);
        forwarder = Forwarder.following(lb, io, (f, arp, vlan) -> observedArp.add(f.clone()));
        lb.setMac(0, TFTP1);
        lb.setMac(1, TFTP2);
        lb.setHealth(0, ServiceStatus.UP, "test");
        lb.setHealth(1, ServiceStatus.UP, "test");
    }

    private byte[] fromClient(int client, int dstPort, byte[] payload) {
        return frame().eth(ROUTER, LB)
                .ipv4(client, VIP)
                .udp(40000, dstPort)
                .payload(payload)
                .build();
    }

    private void handle(byte[] f) {
        byte[] copy = f.clone();
        forwarder.handle(copy, copy.length);
    }

    @Test
    void forwardsWithOnlyTheMacsRewritten() {
        byte[] in = fromClient(CLIENT, 69, tftpRrq("ARDBP32.BIN"));
        handle(in);
        assertEquals(1, io.sent().size());
        byte[] out = io.sent().get(0);
        assertTrue(TFTP1.matches(out, Ethernet.DESTINATION));
        assertTrue(LB.matches(out, Ethernet.SOURCE));
        assertArrayEquals(
                Arrays.copyOfRange(in, 12, in.length),
                Arrays.copyOfRange(out, 12, out.length),
                "IP header, ports and payload byte-identical");
        assertEquals(1, forwarder.counters().forwarded());
        assertEquals(1, lb.forwardedPackets(0));
        assertEquals(in.length, lb.forwardedBytes(0));
    }

    @Test
    void completesAPartialChecksumAndNothingElse() {
        byte[] full = fromClient(CLIENT, 69, tftpRrq("ARDBP32.BIN"));
        byte[] partial = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(tftpRrq("ARDBP32.BIN"))
                .partialChecksum()
                .build();
        handle(partial);
        byte[] out = io.sent().get(0);
        assertTrue(L4Checksum.isValid(out, 14));
        assertArrayEquals(Arrays.copyOfRange(full, 12, full.length), Arrays.copyOfRange(out, 12, out.length));
        assertEquals(1, forwarder.counters().checksumsCompleted());
    }

    @Test
    void ackToAnEphemeralPortFollowsTheClientsBackend() {
        handle(fromClient(CLIENT, 69, tftpRrq("ARDBP32.BIN")));
        handle(fromClient(Ipv4.parse("192.0.2.11"), 69, tftpRrq("ARDBP32.BIN")));
        for (int block = 1; block <= 20; block++) {
            handle(fromClient(CLIENT, 50_000, new byte[] {0, 4, 0, (byte) block}));
        }
        List<byte[]> sent = io.sent();
        assertTrue(TFTP2.matches(sent.get(1), 0), "second client goes to the second service");
        for (byte[] f : sent.subList(2, sent.size())) {
            assertTrue(TFTP1.matches(f, 0));
        }
    }

    @Test
    void answersArpForTheVipOnly() {
        handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), VIP)
                .build());
        assertEquals(1, io.sent().size());
        byte[] reply = io.sent().get(0);
        assertEquals(Arp.OP_REPLY, Arp.operation(reply));
        assertTrue(LB.matches(reply, Arp.SENDER_MAC));
        assertEquals(VIP, Arp.senderIp(reply));
        assertTrue(ROUTER.matches(reply, Ethernet.DESTINATION));

        handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), Ipv4.parse("198.51.100.30"))
                .build());
        assertEquals(1, io.sent().size(), "not our address: no reply");
        assertEquals(1, observedArp.size(), "but the resolver sees it");
        assertEquals(1, forwarder.counters().arpRepliesSent());
    }

    @Test
    void countsAnotherHostClaimingTheVip() {
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garp, TFTP1, VIP);
        handle(garp);
        assertEquals(1, forwarder.counters().vipArpConflicts());
    }

    @Test
    void onAStandbyTheActivePeersAnnouncementIsNoConflict() {
        forwarder.setActive(false);
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garp, TFTP1, VIP);
        handle(garp);
        assertEquals(0, forwarder.counters().vipArpConflicts());
        forwarder.setActive(true);
        handle(garp);
        assertEquals(1, forwarder.counters().vipArpConflicts(), "once active, a claim is a conflict again");
    }

    @Test
    void dropsWhatItMustNotForwardAndCountsWhy() {
        handle(frame().eth(ROUTER, LB)
                .ipv4(CLIENT, Ipv4.parse("198.51.100.30"))
                .udp(1, 69)
                .payload(new byte[4])
                .build());
        assertDropped(DropReason.NOT_VIP);

        handle(frame().eth(LB, LB)
                .ipv4(CLIENT, VIP)
                .udp(1, 69)
                .payload(new byte[4])
                .build());
        assertDropped(DropReason.OWN_SOURCE_MAC);

        handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .ipv4(CLIENT, VIP)
                .udp(1, 69)
                .payload(new byte[4])
                .build());
        assertDropped(DropReason.GROUP_DESTINATION);

        handle(frame().eth(ROUTER, TFTP2)
                .ipv4(CLIENT, VIP)
                .udp(1, 69)
                .payload(new byte[4])
                .build());
        assertDropped(DropReason.NOT_OUR_MAC);

        handle(Arrays.copyOf(fromClient(CLIENT, 69, new byte[4]), 13));
        assertDropped(DropReason.TRUNCATED);

        byte[] badIhl = fromClient(CLIENT, 69, new byte[4]);
        badIhl[14] = 0x43;
        handle(badIhl);
        assertDropped(DropReason.BAD_IP_HEADER);

        byte[] cutShort = fromClient(CLIENT, 69, new byte[40]);
        handle(Arrays.copyOf(cutShort, cutShort.length - 10));
        assertDropped(DropReason.BAD_IP_HEADER);

        byte[] qinq = fromClient(CLIENT, 69, new byte[4]);
        Bytes.putU16(qinq, 12, Ethernet.TYPE_QINQ);
        handle(qinq);
        assertDropped(DropReason.VLAN_TAGGED);

        byte[] lldp = fromClient(CLIENT, 69, new byte[4]);
        Bytes.putU16(lldp, 12, 0x88cc);
        handle(lldp);
        assertDropped(DropReason.OTHER_ETHERTYPE);

        byte[] ipv4AsIpv6 = fromClient(CLIENT, 69, new byte[4]);
        Bytes.putU16(ipv4AsIpv6, 12, 0x86dd);
        handle(ipv4AsIpv6);
        assertDropped(DropReason.BAD_IP_HEADER);

        byte[] fromBackend = frame().eth(TFTP1, LB)
                .ipv4(CLIENT, VIP)
                .udp(1, 69)
                .payload(new byte[4])
                .build();
        handle(fromBackend);
        assertDropped(DropReason.WOULD_LOOP);

        assertEquals(0, forwarder.counters().forwarded());
    }

    @Test
    void noServiceUpDropsAndCounts() {
        lb.setHealth(0, ServiceStatus.DOWN, "test");
        lb.setMac(1, null);
        handle(fromClient(CLIENT, 69, new byte[4]));
        assertDropped(DropReason.NO_SERVICE_UP);
    }

    @Test
    void aRefusedSendIsCountedNotThrown() {
        io.failSends(true);
        handle(fromClient(CLIENT, 69, new byte[4]));
        assertEquals(1, forwarder.counters().drops(DropReason.SEND_FAILED));
        assertEquals(0, forwarder.counters().forwarded());
    }

    @Test
    void receiveLoopSurvivesGarbage() throws Exception {
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[1 + r.nextInt(200)]; // length 0 means "nothing received"
            r.nextBytes(junk);
            if (junk.length > 14 && r.nextBoolean()) {
                junk[12] = 0x08; // half of them claim to be IPv4
                junk[13] = 0;
            }
            io.inject(junk);
        }
        ReceiveLoop loop = new ReceiveLoop(io, forwarder);
        Thread t = new Thread(loop);
        t.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (forwarder.counters().received() < 2000 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        loop.stop();
        t.join(1000);
        assertEquals(2000, forwarder.counters().received());
        for (byte[] f : io.sent()) {
            assertTrue(LB.matches(f, Ethernet.SOURCE), "anything sent comes from us");
        }
    }

    private final java.util.Map<DropReason, Long> seen = new java.util.EnumMap<>(DropReason.class);

    /** The last frame was dropped for {@code reason}, once, and nothing went out. */
    private void assertDropped(DropReason reason) {
        long before = seen.getOrDefault(reason, 0L);
        assertEquals(before + 1, forwarder.counters().drops(reason), reason.name());
        seen.put(reason, before + 1);
        assertEquals(List.of(), io.sent(), reason.name() + ": nothing sent");
    }
}
