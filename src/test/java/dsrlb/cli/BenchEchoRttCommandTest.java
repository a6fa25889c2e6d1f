package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code dsrlb bench echo} and {@code dsrlb bench rtt --protocol echo} against each other, in process. */
class BenchEchoRttCommandTest {
    final StringWriter echoOut = new StringWriter();
    final StringWriter rttOut = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(StringWriter out, String... args) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void rttMeasuresOffTheEchoWhichStopsAfterItsDuration() throws Exception {
        int port;
        try (DatagramSocket probe =
                new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))) {
            port = probe.getLocalPort();
        }
        long t0 = System.nanoTime();
        CompletableFuture<Integer> echo = CompletableFuture.supplyAsync(() -> run(
                echoOut,
                "bench",
                "echo",
                "--bind",
                "127.0.0.1:" + port,
                "--bind",
                "127.0.0.2:" + port,
                "--duration-seconds",
                "3"));
        for (int i = 0; i < 100 && !echoOut.toString().contains("ready"); i++) {
            Thread.sleep(20);
        }
        assertTrue(
                echoOut.toString().contains("echo: ready on 127.0.0.1:" + port + " 127.0.0.2:" + port),
                echoOut + " " + err);

        assertEquals(
                0,
                run(
                        rttOut,
                        "bench",
                        "rtt",
                        "--protocol",
                        "echo",
                        "--target",
                        "127.0.0.2",
                        "--port",
                        String.valueOf(port),
                        "--source",
                        "127.0.0.1",
                        "--count",
                        "300",
                        "--warmup",
                        "20"),
                err.toString());
        Matcher m = Pattern.compile("protocol=echo target=127\\.0\\.0\\.2:" + port
                        + " samples=300 lost=0 stray=0 p50_us=([0-9.]+) p90_us=[0-9.]+ p99_us=[0-9.]+ max_us=([0-9.]+)")
                .matcher(rttOut.toString());
        assertTrue(m.find(), rttOut.toString());
        assertTrue(
                Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(1)) <= Double.parseDouble(m.group(2)));

        assertEquals(0, echo.get(5, TimeUnit.SECONDS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 2900 && ms < 6000, "echo ran " + ms + " ms");
        assertTrue(echoOut.toString().contains("echo: echoed=320 dropped=0"), echoOut.toString());
    }

    @Test
    void rttFailsWhenNothingEchoes() throws Exception {
        int port;
        try (DatagramSocket probe =
                new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))) {
            port = probe.getLocalPort();
        }
        assertEquals(
                1,
                run(
                        rttOut,
                        "bench",
                        "rtt",
                        "--protocol",
                        "echo",
                        "--target",
                        "127.0.0.1",
                        "--port",
                        String.valueOf(port),
                        "--count",
                        "3",
                        "--warmup",
                        "0",
                        "--timeout-ms",
                        "50"));
        assertTrue(err.toString().contains("no reply"), err.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(Main.EXIT_USAGE, run(echoOut, "bench", "echo", "--bind", "127.0.0.1", "--duration-seconds", "1"));
        assertEquals(
                Main.EXIT_USAGE, run(echoOut, "bench", "echo", "--bind", "127.0.0.1:7", "--duration-seconds", "0"));
        assertEquals(
                Main.EXIT_USAGE,
                run(rttOut, "bench", "rtt", "--protocol", "echo", "--target", "127.0.0.1", "--payload-bytes", "4"));
    }
}
