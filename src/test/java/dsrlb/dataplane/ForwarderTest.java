package dsrlb.dataplane;

import static dsrlb.testing.ForwarderHarness.LB;
import static dsrlb.testing.ForwarderHarness.ROUTER;
import static dsrlb.testing.ForwarderHarness.TFTP1;
import static dsrlb.testing.ForwarderHarness.TFTP2;
import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.L4Checksum;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.ForwarderHarness;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwarderTest {
    static final int VIP = TestConfigs.VIP;
    static final int CLIENT = Ipv4.parse("192.0.2.10");

    final ForwarderHarness node = new ForwarderHarness(TestConfigs.seed());

    private byte[] fromClient(int client, int dstPort, byte[] payload) {
        return frame().eth(ROUTER, LB)
                .ipv4(client, VIP)
                .udp(40000, dstPort)
                .payload(payload)
                .build();
    }

    @Test
    void forwardsWithOnlyTheMacsRewritten() {
        byte[] in = fromClient(CLIENT, 69, tftpRrq("ARDBP32.BIN"));
        node.assertForwardedTo(TFTP1, in); // IP header, ports and payload byte-identical
        assertEquals(1, node.counters().forwarded());
        assertEquals(1, node.lb.forwardedPackets(0));
        assertEquals(in.length, node.lb.forwardedBytes(0));
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
        byte[] out = node.handle(partial).get(0);
        assertTrue(L4Checksum.isValid(out, 14));
        assertArrayEquals(Arrays.copyOfRange(full, 12, full.length), Arrays.copyOfRange(out, 12, out.length));
        assertEquals(1, node.counters().checksumsCompleted());
    }

    @Test
    void ackToAnEphemeralPortFollowsTheClientsBackend() {
        node.handle(fromClient(CLIENT, 69, tftpRrq("ARDBP32.BIN")));
        node.handle(fromClient(Ipv4.parse("192.0.2.11"), 69, tftpRrq("ARDBP32.BIN")));
        for (int block = 1; block <= 20; block++) {
            node.handle(fromClient(CLIENT, 50_000, new byte[] {0, 4, 0, (byte) block}));
        }
        List<byte[]> sent = node.io.sent();
        assertTrue(TFTP2.matches(sent.get(1), 0), "second client goes to the second service");
        for (byte[] f : sent.subList(2, sent.size())) {
            assertTrue(TFTP1.matches(f, 0));
        }
    }

    @Test
    void answersArpForTheVipOnly() {
        byte[] reply = node.exchange(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), VIP)
                .build());
        assertEquals(Arp.OP_REPLY, Arp.operation(reply));
        assertTrue(LB.matches(reply, Arp.SENDER_MAC));
        assertEquals(VIP, Arp.senderIp(reply));
        assertTrue(ROUTER.matches(reply, Ethernet.DESTINATION));

        node.handle(frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(Ipv4.parse("198.51.100.1"), Ipv4.parse("198.51.100.30"))
                .build());
        assertEquals(1, node.io.sent().size(), "not our address: no reply");
        assertEquals(1, node.arp.size(), "but the resolver sees it");
        assertEquals(1, node.counters().arpRepliesSent());
    }

    @Test
    void countsAnotherHostClaimingTheVip() {
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garp, TFTP1, VIP);
        node.handle(garp);
        assertEquals(1, node.counters().vipArpConflicts());
    }

    @Test
    void onAStandbyTheActivePeersAnnouncementIsNoConflict() {
        node.forwarder.setActive(false);
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garp, TFTP1, VIP);
        node.handle(garp);
        assertEquals(0, node.counters().vipArpConflicts());
        node.forwarder.setActive(true);
        node.handle(garp);
        assertEquals(1, node.counters().vipArpConflicts(), "once active, a claim is a conflict again");
    }

    @Test
    void dropsWhatItMustNotForwardAndCountsWhy() {
        node.assertDropped(
                DropReason.NOT_VIP,
                frame().eth(ROUTER, LB)
                        .ipv4(CLIENT, Ipv4.parse("198.51.100.30"))
                        .udp(1, 69)
                        .payload(new byte[4])
                        .build());
        node.assertDropped(
                DropReason.OWN_SOURCE_MAC,
                frame().eth(LB, LB)
                        .ipv4(CLIENT, VIP)
                        .udp(1, 69)
                        .payload(new byte[4])
                        .build());

        node.assertDropped(
                DropReason.GROUP_DESTINATION,
                frame().eth(ROUTER, MacAddress.BROADCAST)
                        .ipv4(CLIENT, VIP)
                        .udp(1, 69)
                        .payload(new byte[4])
                        .build());

        node.assertDropped(
                DropReason.NOT_OUR_MAC,
                frame().eth(ROUTER, TFTP2)
                        .ipv4(CLIENT, VIP)
                        .udp(1, 69)
                        .payload(new byte[4])
                        .build());

        node.assertDropped(DropReason.TRUNCATED, Arrays.copyOf(fromClient(CLIENT, 69, new byte[4]), 13));

        byte[] badIhl = fromClient(CLIENT, 69, new byte[4]);
        badIhl[14] = 0x43;
        node.assertDropped(DropReason.BAD_IP_HEADER, badIhl);

        byte[] cutShort = fromClient(CLIENT, 69, new byte[40]);
        node.assertDropped(DropReason.BAD_IP_HEADER, Arrays.copyOf(cutShort, cutShort.length - 10));

        byte[] qinq = fromClient(CLIENT, 69, new byte[4]);
        Bytes.putU16(qinq, 12, Ethernet.TYPE_QINQ);
        node.assertDropped(DropReason.VLAN_TAGGED, qinq);

        byte[] lldp = fromClient(CLIENT, 69, new byte[4]);
        Bytes.putU16(lldp, 12, 0x88cc);
        node.assertDropped(DropReason.OTHER_ETHERTYPE, lldp);

        byte[] ipv4AsIpv6 = fromClient(CLIENT, 69, new byte[4]);
        Bytes.putU16(ipv4AsIpv6, 12, 0x86dd);
        node.assertDropped(DropReason.BAD_IP_HEADER, ipv4AsIpv6);

        byte[] fromBackend = frame().eth(TFTP1, LB)
                .ipv4(CLIENT, VIP)
                .udp(1, 69)
                .payload(new byte[4])
                .build();
        node.assertDropped(DropReason.WOULD_LOOP, fromBackend);

        assertEquals(0, node.counters().forwarded());
    }

    @Test
    void noServiceUpDropsAndCounts() {
        node.lb.setHealth(0, ServiceStatus.DOWN, "test");
        node.lb.setMac(1, null);
        node.assertDropped(DropReason.NO_SERVICE_UP, fromClient(CLIENT, 69, new byte[4]));
    }

    @Test
    void aRefusedSendIsCountedNotThrown() {
        node.io.failSends(true);
        node.handle(fromClient(CLIENT, 69, new byte[4]));
        assertEquals(1, node.counters().drops(DropReason.SEND_FAILED));
        assertEquals(0, node.counters().forwarded());
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
            node.io.inject(junk);
        }
        ReceiveLoop loop = new ReceiveLoop(node.io, node.forwarder);
        Thread t = new Thread(loop);
        t.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (node.counters().received() < 2000 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        loop.stop();
        t.join(1000);
        assertEquals(2000, node.counters().received());
        for (byte[] f : node.io.sent()) {
            assertTrue(LB.matches(f, Ethernet.SOURCE), "anything sent comes from us");
        }
    }
}
