package dsrlb.transfer;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.dataplane.Forwarder;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransferTrackerTest {
    static final long S = 1_000_000_000L;
    static final int A = Ipv4.parse("192.0.2.32");
    static final int B = Ipv4.parse("192.0.2.33");
    final TransferTracker tracker = new TransferTracker(2, 3 * S);
    final List<String> done = new ArrayList<>();

    private void rrq(int client, int service, long now, String file) {
        byte[] payload = ("\0\1" + file + "\0octet\0").getBytes(StandardCharsets.ISO_8859_1);
        tracker.request(client, service, now, payload, 2, payload.length);
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
                        new TransferTracker.Transfer(B, 1, "pxelinux.0", 11 * S, S),
                        new TransferTracker.Transfer(A, 0, "ARDBP32.BIN", 10 * S, 2 * S)),
                tracker.inProgress(12 * S, 10));
        assertEquals(1, tracker.inProgress(12 * S, 1).size(), "bounded");
        tracker.packet(A, 12 * S);
        tracker.packet(B, 13 * S);
        sweep(15 * S);
        assertEquals(List.of(new TransferTracker.Transfer(A, 0, "ARDBP32.BIN", 10 * S, 2 * S)), tracker.recent());
        sweep(16 * S);
        assertEquals(
                List.of(
                        new TransferTracker.Transfer(B, 1, "pxelinux.0", 11 * S, 2 * S),
                        new TransferTracker.Transfer(A, 0, "ARDBP32.BIN", 10 * S, 2 * S)),
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
        assertEquals(List.of(Map.entry(A, 2L), Map.entry(B, 1L)), tracker.topClients(5));
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
}
