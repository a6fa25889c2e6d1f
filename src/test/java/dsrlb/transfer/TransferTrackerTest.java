package dsrlb.transfer;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.dataplane.ForwardedFrameListener;
import dsrlb.dataplane.Forwarder;
import dsrlb.frame.Ethernet;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TransferTrackerTest {
    static final long S = 1_000_000_000L;
    static final int A = Ipv4.parse("192.0.2.32");
    static final int B = Ipv4.parse("192.0.2.33");
    static final IpAddress C6 = IpAddress.parse("2001:db8:1::10");
    static final IpAddress VIP6 = IpAddress.parse("2001:db8:2::20");
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    /** examples/ipv6.conf with LEASTTRANSFERS: tftp1, tftp2 (ids 0, 1) behind the VIP, tftp1-6, tftp2-6 (2, 3) behind the VIP6. */
    static final String DUAL_STACK = """
            add ns ip 198.51.100.20 255.255.255.255 -type VIP
            add ns ip6 2001:db8:2::20/128 -type VIP
            add server tftp1 198.51.100.30
            add server tftp2 198.51.100.31
            add server tftp1-6 2001:db8:2::30
            add server tftp2-6 2001:db8:2::31
            add service tftp1 tftp1 ANY *
            add service tftp2 tftp2 ANY *
            add service tftp1-6 tftp1-6 ANY *
            add service tftp2-6 tftp2-6 ANY *
            add lb vserver tftp ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 2 -lbMethod LEASTTRANSFERS -m MAC
            add lb vserver tftp6 ANY 2001:db8:2::20 * -persistenceType SOURCEIP -timeout 2 -lbMethod LEASTTRANSFERS -m MAC
            bind lb vserver tftp tftp1
            bind lb vserver tftp tftp2
            bind lb vserver tftp6 tftp1-6
            bind lb vserver tftp6 tftp2-6
            """;

    final TransferTracker tracker = new TransferTracker(4, 3 * S);
    final List<String> done = new ArrayList<>();

    static IpAddress v4(int address) {
        return IpAddress.ofIpv4(address);
    }

    private static byte[] rrqPayload(String file) {
        return ("\0\1" + file + "\0octet\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    private void rrq(int client, int service, long now, String file) {
        byte[] payload = rrqPayload(file);
        tracker.request(client, service, now, payload, 2, payload.length);
    }

    private void rrq(IpAddress client, int service, long now, String file) {
        byte[] payload = rrqPayload(file);
        tracker.request(client.high(), client.low(), service, now, payload, 2, payload.length);
    }

    /** A forwarder over {@link #DUAL_STACK} reporting to the tracker, every service UP with a MAC. */
    private Forwarder dualStack(MemoryPacketIo io) throws Exception {
        LoadBalancer balancer = new LoadBalancer(ConfigParser.parse("dual.conf", DUAL_STACK), new FakeTicker(), 251);
        balancer.vservers().forEach(v -> v.useTransferCounts(tracker.activeCounts()));
        for (int id = 0; id < 4; id++) {
            balancer.setMac(id, MacAddress.parse("02:00:00:00:00:3" + id));
            balancer.setHealth(id, ServiceStatus.UP, "t");
        }
        return Forwarder.following(balancer, io, (f, arp, vlan) -> {}, tracker);
    }

    private static byte[] rrq6(IpAddress client, String file) {
        return frame().eth(ROUTER, LB)
                .ipv6(client, VIP6)
                .udp(40000, 69)
                .payload(tftpRrq(file))
                .partialChecksum()
                .build();
    }

    private static byte[] ack6(IpAddress client) {
        return frame().eth(ROUTER, LB)
                .ipv6(client, VIP6)
                .udp(40000, 50000)
                .payload(new byte[] {0, 4, 0, 1})
                .partialChecksum()
                .build();
    }

    private static byte[] rrq4(int client, String file) {
        return frame().eth(ROUTER, LB)
                .ipv4(client, TestConfigs.VIP)
                .udp(40000, 69)
                .payload(tftpRrq(file))
                .build();
    }

    private void sweep(long now) {
        tracker.sweep(now, (svc, nanos) -> done.add(svc + ":" + nanos / (S / 10)));
    }

    @Test
    void aTransferLastsFromItsRequestToItsClientsLastPacket() {
        rrq(A, 0, 10 * S, "ARDBP32.BIN");
        assertEquals(1, tracker.active(0));
        tracker.packet(A, 11 * S);
        tracker.packet(A, 12 * S + S / 2);
        sweep(14 * S);
        assertEquals(1, tracker.active(0), "2.5 s after its last ACK it is still running");
        sweep(15 * S + S / 2);
        assertEquals(0, tracker.active(0));
        assertEquals(List.of("0:25"), done, "service 0, 2.5 s from RRQ to the last ACK");
        assertEquals(1, tracker.finished());
    }

    @Test
    void finishedTransfersAreListedNewestFirstWithTheirFileAndRunningOnesWithTheirTimeSoFar() {
        rrq(A, 0, 10 * S, "ARDBP32.BIN");
        rrq(B, 1, 11 * S, "pxelinux.0");
        sweep(11 * S);
        assertEquals(
                List.of(
                        new TransferTracker.Transfer(v4(B), 1, "pxelinux.0", 11 * S, S),
                        new TransferTracker.Transfer(v4(A), 0, "ARDBP32.BIN", 10 * S, 2 * S)),
                tracker.inProgress(12 * S, 10));
        assertEquals(1, tracker.inProgress(12 * S, 1).size(), "bounded");
        tracker.packet(A, 12 * S);
        tracker.packet(B, 13 * S);
        sweep(15 * S);
        assertEquals(List.of(new TransferTracker.Transfer(v4(A), 0, "ARDBP32.BIN", 10 * S, 2 * S)), tracker.recent());
        sweep(16 * S);
        assertEquals(
                List.of(
                        new TransferTracker.Transfer(v4(B), 1, "pxelinux.0", 11 * S, 2 * S),
                        new TransferTracker.Transfer(v4(A), 0, "ARDBP32.BIN", 10 * S, 2 * S)),
                tracker.recent());
        assertEquals(List.of(), tracker.inProgress(16 * S, 10));
    }

    @Test
    void onlyTheLastFinishedTransfersAreKept() {
        for (int i = 0; i < TransferTracker.RECENT + 5; i++) {
            rrq(A + i, 0, i, "f" + i);
        }
        sweep(10 * S);
        List<TransferTracker.Transfer> recent = tracker.recent();
        assertEquals(TransferTracker.RECENT, recent.size());
        assertEquals(
                TransferTracker.RECENT,
                recent.stream().map(TransferTracker.Transfer::file).distinct().count());
    }

    @Test
    void aNewRequestFromTheSameClientEndsItsPreviousTransfer() {
        rrq(A, 0, 0, "pxelinux.0");
        rrq(A, 1, S, "ARDBP32.BIN");
        assertEquals(0, tracker.active(0));
        assertEquals(1, tracker.active(1));
        assertEquals(2, tracker.started());
    }

    @Test
    void requestsAreCountedPerFileAndPerClient() {
        rrq(A, 0, 0, "ARDBP32.BIN");
        rrq(B, 1, 0, "ARDBP32.BIN");
        rrq(A, 0, S, "pxelinux.0");
        sweep(S);
        assertEquals(List.of(Map.entry("ARDBP32.BIN", 2L), Map.entry("pxelinux.0", 1L)), tracker.topFiles(5));
        assertEquals(List.of(Map.entry(v4(A), 2L), Map.entry(v4(B), 1L)), tracker.topClients(5));
    }

    @Test
    void theTopCountsKeepTheMostRequestedFirstAndTiesInTheOrderOfAWholeSort() {
        // Client i asks i % 7 + 1 times: more clients than listed, many ties.
        for (int i = 0; i < 40; i++) {
            for (int k = 0; k <= i % 7; k++) {
                rrq(A + i, 0, i * S + k, "f" + (i % 7));
            }
        }
        sweep(S);
        Map<IpAddress, Long> counts = new java.util.LinkedHashMap<>();
        for (Map.Entry<IpAddress, Long> e : tracker.topClients(100)) {
            counts.put(e.getKey(), e.getValue());
        }
        assertEquals(40, counts.size());
        for (int i = 0; i < 40; i++) {
            assertEquals(i % 7 + 1L, counts.get(v4(A + i)), "client " + i);
        }
        List<Map.Entry<IpAddress, Long>> sorted = new java.util.ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<IpAddress, Long>comparingByValue().reversed());
        for (int n : new int[] {0, 1, 5, 10, 39, 40}) {
            assertEquals(
                    sorted.subList(0, n).stream()
                            .map(e -> Map.entry(e.getKey(), e.getValue()))
                            .toList(),
                    tracker.topClients(n),
                    "top " + n);
        }
        assertEquals(7L, tracker.topClients(1).get(0).getValue());
        // f6: 5 clients asking 7 times; f4 (6 x 5) and f5 (5 x 6) tie.
        assertEquals(List.of(Map.entry("f6", 35L)), tracker.topFiles(1));
        assertEquals(
                List.of(35L, 30L, 30L, 24L),
                tracker.topFiles(4).stream().map(Map.Entry::getValue).toList());
    }

    @Test
    void theTransfersInProgressListedAreTheNewestOfMany() {
        // Client A + i starts i µs before 1000 s: none idle long enough for the sweep to end it.
        for (int i = 299; i >= 0; i--) {
            rrq(A + i, 0, 1000 * S - i * 1000L, "f" + i);
        }
        sweep(1000 * S);
        assertEquals(300, tracker.active(0));
        List<TransferTracker.Transfer> running = tracker.inProgress(1001 * S, 10);
        assertEquals(10, running.size());
        for (int k = 0; k < 10; k++) {
            assertEquals(v4(A + k), running.get(k).client());
            assertEquals(1000 * S - k * 1000L, running.get(k).startedNanos());
            assertEquals("f" + k, running.get(k).file());
        }
        assertEquals(300, tracker.inProgress(1001 * S, 1000).size());
        assertEquals(List.of(), tracker.inProgress(1001 * S, 0));
    }

    @Test
    void theForwarderReportsRequestsAndAcksAndLeastTransfersPicksTheQuietService() {
        MacAddress lb = MacAddress.parse("02:00:00:00:00:10");
        MacAddress router = MacAddress.parse("02:00:00:00:00:01");
        MemoryPacketIo io = new MemoryPacketIo(lb);
        LoadBalancer balancer = new LoadBalancer(
                TestConfigs.anyStar(2, LbMethod.LEASTTRANSFERS, PersistenceType.SOURCEIP, 2, 1000),
                new FakeTicker(),
                251);
        Forwarder forwarder = Forwarder.following(balancer, io, (f, arp, vlan) -> {}, tracker);
        balancer.vservers().forEach(v -> v.useTransferCounts(tracker.activeCounts()));
        balancer.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        balancer.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        balancer.setHealth(0, ServiceStatus.UP, "t");
        balancer.setHealth(1, ServiceStatus.UP, "t");
        // Three clients start transfers; LEASTTRANSFERS spreads them: 2 and 1.
        for (int i = 0; i < 3; i++) {
            byte[] f = frame().eth(router, lb)
                    .ipv4(A + i, TestConfigs.VIP)
                    .udp(40000, 69)
                    .payload(tftpRrq("f" + i))
                    .build();
            forwarder.handle(f, f.length);
        }
        int busy = tracker.active(0) == 2 ? 0 : 1;
        assertEquals(2, tracker.active(busy));
        assertEquals(1, tracker.active(1 - busy));
        // The next new client goes to the quieter service whatever the rotation says.
        byte[] f = frame().eth(router, lb)
                .ipv4(A + 10, TestConfigs.VIP)
                .udp(40000, 69)
                .payload(tftpRrq("next"))
                .build();
        forwarder.handle(f, f.length);
        assertEquals(2, tracker.active(0));
        assertEquals(2, tracker.active(1));
        // An ACK on the transfer's own port keeps it alive.
        byte[] ack = frame().eth(router, lb)
                .ipv4(A, TestConfigs.VIP)
                .udp(40000, 50000)
                .payload(new byte[] {0, 4, 0, 1})
                .build();
        forwarder.handle(ack, ack.length);
        sweep(System.nanoTime() + 2 * S);
        assertEquals(4, tracker.active(0) + tracker.active(1));
    }

    @Test
    void anIpv6ClientsRequestThroughTheForwarderIsATransferOfThatClientKeptGoingByItsAcks() throws Exception {
        MemoryPacketIo io = new MemoryPacketIo(LB);
        Forwarder forwarder = dualStack(io);
        byte[] rrq = rrq6(C6, "bootx64.efi");
        forwarder.handle(rrq, rrq.length);
        assertEquals(1, io.sent().size(), "forwarded");
        assertEquals(1, tracker.started());
        int svc = tracker.active(2) == 1 ? 2 : 3;
        assertEquals(1, tracker.active(svc), "on an IPv6 service");
        assertEquals(0, tracker.active(0) + tracker.active(1) + tracker.active(5 - svc));
        sweep(System.nanoTime());
        List<TransferTracker.Transfer> running = tracker.inProgress(System.nanoTime(), 10);
        assertEquals(1, running.size());
        assertEquals(C6, running.get(0).client());
        assertEquals(svc, running.get(0).serviceId());
        assertEquals("bootx64.efi", running.get(0).file());
        assertEquals(List.of(Map.entry(C6, 1L)), tracker.topClients(5));

        // The ACK comes later than the RRQ: its time becomes the transfer's end.
        Thread.sleep(5);
        byte[] ack = ack6(C6);
        forwarder.handle(ack, ack.length);
        assertEquals(2, io.sent().size());
        assertEquals(1, tracker.started(), "an ACK starts nothing");
        sweep(System.nanoTime() + 4 * S);
        assertEquals(0, tracker.active(svc), "over after 3 s of silence");
        List<TransferTracker.Transfer> recent = tracker.recent();
        assertEquals(1, recent.size());
        assertEquals(C6, recent.get(0).client());
        assertEquals("bootx64.efi", recent.get(0).file());
        assertTrue(
                recent.get(0).nanos() >= 5_000_000,
                "RRQ to ACK, not RRQ to RRQ: " + recent.get(0).nanos());
    }

    @Test
    void anIpv6TransferEndsAfterItsClientFallsSilent() {
        rrq(C6, 2, 10 * S, "bootx64.efi");
        tracker.packet(C6.high(), C6.low(), 12 * S);
        sweep(14 * S);
        assertEquals(1, tracker.active(2), "2 s after its last ACK it is still running");
        sweep(15 * S);
        assertEquals(0, tracker.active(2));
        assertEquals(List.of("2:20"), done);
        assertEquals(List.of(new TransferTracker.Transfer(C6, 2, "bootx64.efi", 10 * S, 2 * S)), tracker.recent());
    }

    @Test
    void ipv6ClientsDifferingOnlyInTheHighWordAreTwoTransfersEvenInOneSet() {
        IpAddress a = IpAddress.parse("2001:db8:1::10");
        // Another /64's client with the same interface id, whose hash lands in a's set.
        long high = a.high() + 1;
        while (TransferTracker.set(high, a.low()) != TransferTracker.set(a.high(), a.low())) {
            high++;
        }
        IpAddress b = new IpAddress(high, a.low());
        assertNotEquals(a, b);
        rrq(a, 2, 10 * S, "a.efi");
        rrq(b, 3, 10 * S, "b.efi");
        assertEquals(2, tracker.started());
        assertEquals(1, tracker.active(2), "b's request did not end a's transfer");
        assertEquals(1, tracker.active(3));
        tracker.packet(b.high(), b.low(), 12 * S);
        sweep(13 * S + S / 2);
        assertEquals(0, tracker.active(2), "a was silent");
        assertEquals(1, tracker.active(3), "b's ACK kept only b going");
        assertEquals(List.of(new TransferTracker.Transfer(a, 2, "a.efi", 10 * S, 0)), tracker.recent());
        sweep(15 * S);
        assertEquals(
                List.of(
                        new TransferTracker.Transfer(b, 3, "b.efi", 10 * S, 2 * S),
                        new TransferTracker.Transfer(a, 2, "a.efi", 10 * S, 0)),
                tracker.recent());
    }

    @Test
    void anIpv4ClientIsNotTheIpv6ClientWithTheSameLastFourBytes() {
        // ::c000:220 (the deprecated IPv4-compatible form, not the mapped one) against 192.0.2.32.
        IpAddress compatible = new IpAddress(0, A & 0xffff_ffffL);
        rrq(A, 0, 10 * S, "v4");
        rrq(compatible, 2, 10 * S, "v6");
        assertEquals(1, tracker.active(0));
        assertEquals(1, tracker.active(2));
        sweep(10 * S);
        assertEquals(2, tracker.inProgress(10 * S, 10).size());
    }

    @Test
    void ipv4AndIpv6ClientsAtOnceAndLeastTransfersCountsBoth() throws Exception {
        MemoryPacketIo io = new MemoryPacketIo(LB);
        Forwarder forwarder = dualStack(io);
        IpAddress[] v6 = {
            IpAddress.parse("2001:db8:1::10"), IpAddress.parse("2001:db8:1::11"), IpAddress.parse("2001:db8:1::12")
        };
        for (int i = 0; i < 3; i++) {
            byte[] f = rrq4(A + i, "pxelinux.0");
            forwarder.handle(f, f.length);
            f = rrq6(v6[i], "bootx64.efi");
            forwarder.handle(f, f.length);
        }
        assertEquals(6, io.sent().size());
        assertEquals(6, tracker.started());
        // LEASTTRANSFERS spread each family's three over its two services: 2 and 1.
        assertEquals(
                List.of(1, 2),
                Stream.of(tracker.active(0), tracker.active(1)).sorted().toList());
        assertEquals(
                List.of(1, 2),
                Stream.of(tracker.active(2), tracker.active(3)).sorted().toList());
        // The next IPv6 client goes to the quieter IPv6 service.
        int quiet6 = tracker.active(2) == 1 ? 2 : 3;
        byte[] f = rrq6(IpAddress.parse("2001:db8:1::13"), "bootx64.efi");
        forwarder.handle(f, f.length);
        assertEquals(2, tracker.active(quiet6));
        assertEquals(2, tracker.active(5 - quiet6));

        sweep(System.nanoTime());
        List<TransferTracker.Transfer> running = tracker.inProgress(System.nanoTime(), 10);
        assertEquals(7, running.size());
        assertEquals(3, running.stream().filter(t -> t.client().isIpv4()).count(), "the IPv4 clients as themselves");
        for (TransferTracker.Transfer t : running) {
            if (t.client().isIpv4()) {
                assertTrue(t.serviceId() < 2, t.toString());
                assertEquals("pxelinux.0", t.file());
            } else {
                assertTrue(t.serviceId() >= 2, t.toString());
                assertEquals("bootx64.efi", t.file());
            }
        }
        assertTrue(running.stream().anyMatch(t -> t.client().equals(v4(A))));
        assertTrue(running.stream().anyMatch(t -> t.client().equals(v6[0])));
        assertEquals(7, tracker.topClients(10).size());
        assertEquals(List.of(Map.entry("bootx64.efi", 4L), Map.entry("pxelinux.0", 3L)), tracker.topFiles(5));
    }

    /**
     * dsrlb on two interfaces: two receive threads report read requests at once, each through its
     * own feed. Every request must claim its own slot: the counts add up, no transfer is lost or
     * counted twice (without the request lock, two threads claiming slots of one set at once
     * overwrite each other's clients).
     */
    @Test
    void twoReceiveThreadsFeedingOneTableLoseNoRequest() throws Exception {
        int perThread = 20_000;
        ForwardedFrameListener[] feeds = {tracker.feed(), tracker.feed()};
        byte[][][] frames = new byte[2][perThread][];
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < perThread; i++) {
                // IPv6 clients of one /64, the two threads' in turn.
                frames[t][i] = rrq6(IpAddress.parse("2001:db8:1::" + Integer.toHexString(2 * i + t + 1)), "f" + t);
            }
        }
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (byte[] f : frames[thread]) {
                    feeds[thread].forwardedIpv6(f, f.length, Ethernet.HEADER_LENGTH, 0, 2 + thread, 17, 69);
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long tracked = tracker.started() + tracker.untracked();
        assertEquals(2L * perThread, tracked);
        assertEquals(tracker.started(), tracker.active(2) + tracker.active(3));
        sweep(System.nanoTime());
        assertEquals(
                2L * perThread, tracker.inProgress(System.nanoTime(), 100_000).size() + tracker.untracked());
    }
}
