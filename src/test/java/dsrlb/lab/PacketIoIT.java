package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.management.ThreadMXBean;
import dsrlb.dataplane.Libpcap;
import dsrlb.dataplane.NativePacketIo;
import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The user-space engines on their own, in this JVM: two ends of a veth pair in a namespace of
 * this test's own ({@code dsrlb-nio}), each opened by the engine under test. What the
 * forwarder relies on: frames arrive whole, the filter holds, our own sends never come back,
 * (batched) sends leave, and the receive thread allocates nothing per frame.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// A receiver stuck in native code cannot be interrupted: fail the test, not the whole suite.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PacketIoIT {
    private static final String NS = "dsrlb-nio";
    private static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:0a:01");
    private static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:0b:01");
    private static final String FILTER = "udp and dst port 9";
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;

    /** An engine as the test opens it. */
    enum EngineUnderTest {
        NATIVE_V2,
        NATIVE_V3,
        PCAP;

        PacketIo open(String ifName, MacAddress mac) throws IOException {
            return switch (this) {
                case NATIVE_V2 -> NativePacketIo.open(ifName, mac, FILTER, NativePacketIo.Ring.V2);
                case NATIVE_V3 -> NativePacketIo.open(ifName, mac, FILTER, NativePacketIo.Ring.V3);
                case PCAP -> {
                    Libpcap.configure();
                    yield PcapPacketIo.open(ifName, mac, FILTER);
                }
            };
        }
    }

    /** setns(2) moves only the calling thread; a socket made there stays in that namespace. */
    interface LibC extends Library {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    @BeforeAll
    void createPair() {
        Lab.requireNamespaces();
        Lab.runQuietly(10, "ip", "netns", "del", NS);
        Lab.check(Lab.runQuietly(10, "ip", "netns", "add", NS), "netns add");
        Lab.check(
                Lab.runQuietly(10, "ip", "-n", NS, "link", "add", "nio0", "type", "veth", "peer", "name", "nio1"),
                "veth");
        Lab.check(Lab.runQuietly(10, "ip", "-n", NS, "link", "set", "nio0", "address", MAC_A.toString(), "up"), "a up");
        Lab.check(Lab.runQuietly(10, "ip", "-n", NS, "link", "set", "nio1", "address", MAC_B.toString(), "up"), "b up");
    }

    @AfterAll
    void deletePair() {
        Lab.runQuietly(10, "ip", "netns", "del", NS);
    }

    private static PacketIo[] openBoth(EngineUnderTest engine) throws Exception {
        CompletableFuture<PacketIo[]> opened = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        LibC libc = Native.load("c", LibC.class);
                        int fd = libc.open("/run/netns/" + NS, O_RDONLY);
                        if (fd < 0 || libc.setns(fd, CLONE_NEWNET) != 0) {
                            throw new IllegalStateException("cannot enter " + NS + ": errno " + Native.getLastError());
                        }
                        libc.close(fd);
                        opened.complete(new PacketIo[] {engine.open("nio0", MAC_A), engine.open("nio1", MAC_B)});
                    } catch (Throwable e) {
                        opened.completeExceptionally(e);
                    }
                },
                "netns-" + NS);
        t.start();
        try {
            return opened.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("opening the engine in " + NS, e.getCause());
        }
    }

    /** An Ethernet/IPv4/UDP frame from a to b; the UDP checksum is 0 (none), which is valid. */
    private static byte[] udp(MacAddress src, MacAddress dst, int port, int seq, int payload) {
        byte[] f = new byte[14 + 20 + 8 + payload];
        dst.writeTo(f, 0);
        src.writeTo(f, 6);
        f[12] = 0x08;
        f[14] = 0x45;
        int total = 20 + 8 + payload;
        f[16] = (byte) (total >> 8);
        f[17] = (byte) total;
        f[22] = 64;
        f[23] = 17;
        byte[] srcIp = {(byte) 192, 0, 2, 1};
        byte[] dstIp = {(byte) 198, 51, 100, 20};
        System.arraycopy(srcIp, 0, f, 26, 4);
        System.arraycopy(dstIp, 0, f, 30, 4);
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        f[24] = (byte) (~sum >> 8);
        f[25] = (byte) ~sum;
        f[36] = (byte) (port >> 8);
        f[37] = (byte) port;
        f[38] = (byte) ((8 + payload) >> 8);
        f[39] = (byte) (8 + payload);
        f[42] = (byte) (seq >> 24);
        f[43] = (byte) (seq >> 16);
        f[44] = (byte) (seq >> 8);
        f[45] = (byte) seq;
        f[34] = (byte) 0xc0;
        return f;
    }

    /**
     * Receives the next frame within two seconds, or fails. libpcap in immediate mode ignores
     * its timeout and would wait for ever, so a watchdog wakes the receiver at the deadline.
     */
    private static byte[] next(PacketIo io, byte[] buffer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> unusedWakeups =
                    watchdog.scheduleAtFixedRate(io::wakeup, 2_000, 100, TimeUnit.MILLISECONDS);
            while (System.nanoTime() < deadline) {
                int n = io.receive(buffer);
                if (n > 0) {
                    return Arrays.copyOf(buffer, n);
                }
            }
        } finally {
            watchdog.shutdownNow();
            watchdog.awaitTermination(1, TimeUnit.SECONDS);
        }
        throw new AssertionError("no frame within two seconds");
    }

    @ParameterizedTest
    @EnumSource(EngineUnderTest.class)
    void framesArriveWholeTheFilterHoldsAndOurOwnSendsDoNotComeBack(EngineUnderTest engine) throws Exception {
        PacketIo[] io = openBoth(engine);
        try (PacketIo a = io[0];
                PacketIo b = io[1]) {
            byte[] buffer = new byte[65_536];
            byte[] wanted = udp(MAC_A, MAC_B, 9, 1, 100);
            a.send(udp(MAC_A, MAC_B, 10, 2, 100), 142); // not port 9: filtered out
            a.send(wanted, wanted.length);
            assertArrayEquals(wanted, next(b, buffer), "the port-9 frame, byte for byte");
            byte[] marker = udp(MAC_A, MAC_B, 9, 4, 10);
            a.send(marker, marker.length);
            assertArrayEquals(marker, next(b, buffer), "nothing between (the port-10 frame was filtered)");

            // b's receive thread sends (native: queued, it leaves when b next receives); a gets
            // it, b must not see it: the next frame b gets is a's second marker.
            byte[] reply = udp(MAC_B, MAC_A, 9, 3, 1400);
            b.send(reply, reply.length);
            a.send(marker, marker.length);
            assertArrayEquals(marker, next(b, buffer), "a's marker");
            byte[] second = udp(MAC_A, MAC_B, 9, 5, 10);
            a.send(second, second.length);
            assertArrayEquals(second, next(b, buffer), "b's own frame did not come back to b");
            assertArrayEquals(reply, next(a, buffer), "the frame from b");
            assertEquals(0, b.droppedByKernel());
        }
    }

    /**
     * The receive thread of the engine allocates nothing per frame: a echoes back every frame b's
     * thread receives and sends, 200 000 round trips, measured after a warm-up.
     */
    @ParameterizedTest
    @EnumSource(EngineUnderTest.class)
    void theReceiveThreadAllocatesNothingPerFrame(EngineUnderTest engine) throws Exception {
        PacketIo[] io = openBoth(engine);
        try (PacketIo a = io[0];
                PacketIo b = io[1]) {
            byte[] probe = udp(MAC_A, MAC_B, 9, 0, 18);
            AtomicBoolean stop = new AtomicBoolean();
            ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] measured = new long[2];
            Thread bThread = new Thread(
                    () -> {
                        byte[] buffer = new byte[65_536];
                        try {
                            bounce(b, buffer, 20_000, stop);
                            long before = mx.getCurrentThreadAllocatedBytes();
                            measured[1] = bounce(b, buffer, 200_000, stop);
                            measured[0] = mx.getCurrentThreadAllocatedBytes() - before;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "b-receiver");
            Thread aThread = new Thread(
                    () -> {
                        byte[] buffer = new byte[65_536];
                        try {
                            // Keep 64 frames in flight; a echoes each frame b sent back to b.
                            for (int i = 0; i < 64; i++) {
                                a.send(probe, probe.length);
                            }
                            while (!stop.get()) {
                                int n = a.receive(buffer);
                                if (n > 0) {
                                    swapMacs(buffer);
                                    a.send(buffer, n);
                                }
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "a-echo");
            bThread.setDaemon(true);
            aThread.setDaemon(true);
            bThread.start();
            aThread.start();
            bThread.join(TimeUnit.SECONDS.toMillis(60));
            // Both may wait in receive (libpcap in immediate mode has no timeout): wake them.
            stop.set(true);
            for (int i = 0; i < 50 && (aThread.isAlive() || bThread.isAlive()); i++) {
                a.wakeup();
                b.wakeup();
                aThread.join(100);
                bThread.join(100);
            }
            assertTrue(!aThread.isAlive() && !bThread.isAlive(), "the receivers stopped");
            assertEquals(200_000, measured[1], "round trips completed in time");
            double perFrame = (double) measured[0] / measured[1];
            System.out.printf(
                    "%s: %d bytes allocated by the receive thread over %d frames (%.4f a frame)%n",
                    engine, measured[0], measured[1], perFrame);
            assertTrue(perFrame < 1.0, measured[0] + " bytes over " + measured[1] + " frames");
        }
    }

    /** Receives and sends back count frames; returns how many it handled before stop. */
    private static long bounce(PacketIo b, byte[] buffer, int count, AtomicBoolean stop) throws Exception {
        long done = 0;
        while (done < count && !stop.get()) {
            int n = b.receive(buffer);
            if (n > 0) {
                swapMacs(buffer);
                b.send(buffer, n);
                done++;
            }
        }
        return done;
    }

    private static void swapMacs(byte[] f) {
        for (int i = 0; i < 6; i++) {
            byte t = f[i];
            f[i] = f[i + 6];
            f[i + 6] = t;
        }
    }
}
