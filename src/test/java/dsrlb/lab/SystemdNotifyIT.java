package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.systemd.NotifySocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * dsrlb run as systemd runs the packaged unit (Type=notify, WatchdogSec=): the test plays the
 * service manager's side of sd_notify, a datagram socket named by NOTIFY_SOCKET, and sees READY=1
 * with the status line once dsrlb serves, WATCHDOG=1 within every watchdog period while it runs,
 * and STOPPING=1 on SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SystemdNotifyIT {
    Path dir;

    @BeforeAll
    void startLab() throws Exception {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up();
        dir = Files.createTempDirectory("dsrlb-notify");
    }

    @AfterAll
    void stopLab() {
        Lab.down();
        if (dir != null) {
            Lab.runQuietly(10, "rm", "-rf", dir.toString());
        }
    }

    @Test
    void readyThenAWatchdogFedEveryPeriodThenStopping() throws Exception {
        try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify"))) {
            DsrlbProcess dsrlb = DsrlbProcess.startWrapped(
                    Lab.LB_NS,
                    List.of("env", "NOTIFY_SOCKET=" + systemd.path(), "WATCHDOG_USEC=900000"),
                    Lab.BASEDIR.resolve("examples/seed.conf"),
                    "--control-socket",
                    dir.resolve("dsrlb.sock").toString());
            try {
                // 3 s: at least 3 watchdog periods of 0.9 s.
                List<String> got = systemd.receiveAll(Duration.ofSeconds(3));
                assertTrue(!got.isEmpty(), "nothing from dsrlb on NOTIFY_SOCKET:\n" + dsrlb.log());
                assertEquals(
                        "READY=1\nSTATUS=2 of 2 services UP, forwarding for 198.51.100.20, engine offload",
                        got.get(0),
                        got.toString());
                long watchdogs = got.stream().filter("WATCHDOG=1"::equals).count();
                assertTrue(watchdogs >= 3 * 3 - 1, "WATCHDOG=1 three times a period: " + got);
                assertTrue(dsrlb.log().contains("systemd watchdog: every 300 ms"), dsrlb.log());
            } finally {
                dsrlb.stop();
            }
            List<String> after = systemd.receiveAll(Duration.ofMillis(300));
            assertTrue(after.contains("STOPPING=1\nSTATUS=stopping"), after.toString());
        }
    }
}
