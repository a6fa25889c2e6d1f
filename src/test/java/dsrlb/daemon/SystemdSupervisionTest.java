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
}
