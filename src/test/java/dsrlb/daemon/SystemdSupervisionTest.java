package dsrlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.dataplane.Forwarder;
import dsrlb.dataplane.ReceiveLoop;
import dsrlb.net.MacAddress;
import dsrlb.systemd.NotifySocket;
import dsrlb.systemd.SystemdNotifier;
import dsrlb.testing.MemoryPacketIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog is fed only while the receive loop goes round. */
class SystemdSupervisionTest {
    @TempDir
    Path dir;

    @Test
    void onlyALiveLoopFeedsTheWatchdog() throws Exception {
        try (NotifySocket socket = NotifySocket.bind(dir.resolve("notify"))) {
            MemoryPacketIo io = new MemoryPacketIo(MacAddress.parse("02:00:00:00:00:01"));
            ReceiveLoop loop = new ReceiveLoop(io, new Forwarder(io));
            SystemdSupervision s = new SystemdSupervision(
                    SystemdNotifier.of(Map.of("NOTIFY_SOCKET", socket.path(), "WATCHDOG_USEC", "3000000"), 1), loop);
            // No receive thread (yet, or any more): nothing is forwarded, nothing is sent.
            s.check();
            s.check();
            assertEquals(List.of(), socket.receiveAll(Duration.ofMillis(200)));

            Thread rx = new Thread(loop);
            rx.start();
            try {
                Thread.sleep(50);
                s.check();
                // A watchdog period apart, as the scheduler calls it.
                Thread.sleep(50);
                s.check();
                assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1"), socket.receiveAll(Duration.ofMillis(200)));
            } finally {
                loop.stop();
                rx.join(5_000);
            }
            s.check();
            assertEquals(List.of(), socket.receiveAll(Duration.ofMillis(200)), "the loop ended");
        }
    }

    @Test
    void onSeveralInterfacesEveryReceiveLoopMustGoRound() throws Exception {
        try (NotifySocket socket = NotifySocket.bind(dir.resolve("notify2"))) {
            MemoryPacketIo eth0 = new MemoryPacketIo(MacAddress.parse("02:00:00:00:00:01"));
            MemoryPacketIo eth1 = new MemoryPacketIo(MacAddress.parse("02:00:00:00:00:02"));
            ReceiveLoop loop0 = new ReceiveLoop(eth0, new Forwarder(eth0));
            ReceiveLoop loop1 = new ReceiveLoop(eth1, new Forwarder(eth1));
            SystemdSupervision s = new SystemdSupervision(
                    SystemdNotifier.of(Map.of("NOTIFY_SOCKET", socket.path(), "WATCHDOG_USEC", "3000000"), 1),
                    List.of(loop0, loop1));
            Thread rx0 = new Thread(loop0);
            rx0.start();
            try {
                Thread.sleep(50);
                s.check();
                Thread.sleep(50);
                s.check();
                // eth1's thread never ran: its VIPs are not served, so systemd must not be told all is well.
                assertEquals(List.of(), socket.receiveAll(Duration.ofMillis(200)));
                Thread rx1 = new Thread(loop1);
                rx1.start();
                try {
                    Thread.sleep(50);
                    s.check();
                    Thread.sleep(50);
                    s.check();
                    assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1"), socket.receiveAll(Duration.ofMillis(200)));
                } finally {
                    loop1.stop();
                    rx1.join(5_000);
                }
            } finally {
                loop0.stop();
                rx0.join(5_000);
            }
        }
    }
}
