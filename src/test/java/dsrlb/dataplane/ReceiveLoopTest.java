package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.MacAddress;
import dsrlb.testing.MemoryPacketIo;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReceiveLoopTest {
    @Test
    void turnsCountWhileIdleAndStopWhenTheLoopDies() throws Exception {
        MemoryPacketIo io = new MemoryPacketIo(MacAddress.parse("02:00:00:00:00:01"));
        CompletableFuture<Throwable> died = new CompletableFuture<>();
        ReceiveLoop loop = new ReceiveLoop(io, new Forwarder(io), 0, died::complete);
        Thread t = new Thread(loop);
        t.start();
        Thread.sleep(50);
        long mark = loop.progress();
        Thread.sleep(50);
        assertTrue(loop.healthy(mark), "an idle loop still goes round (receive returns 0)");
        loop.stop();
        t.join(5_000);
        assertTrue(!loop.healthy(loop.progress()), "a stopped loop is not alive");
        assertTrue(!died.isDone(), "a stop is not a death");
    }

    @Test
    void waitingForFramesIsHealthyEvenWhenNothingMoves() throws Exception {
        MemoryPacketIo lan = new MemoryPacketIo(MacAddress.parse("02:00:00:00:00:01"));
        CountDownLatch inReceive = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ReceiveLoop loop = new ReceiveLoop(
                new PacketIo() {
                    @Override
                    public int receive(byte[] buffer) throws IOException {
                        inReceive.countDown();
                        try {
                            // An idle pcap handle in immediate mode: no frame, no timeout.
                            release.await();
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                        return 0;
                    }

                    @Override
                    public void send(byte[] frame, int length) {}

                    @Override
                    public void wakeup() {
                        release.countDown();
                    }

                    @Override
                    public MacAddress mac() {
                        return lan.mac();
                    }

                    @Override
                    public void close() {}
                },
                new Forwarder(lan),
                0,
                e -> {});
        Thread t = new Thread(loop);
        t.start();
        assertTrue(inReceive.await(5, TimeUnit.SECONDS));
        long mark = loop.progress();
        Thread.sleep(100);
        assertEquals(mark, loop.progress(), "nothing moved");
        assertTrue(loop.healthy(mark), "but it waits for frames, alive");
        loop.stop();
        release.countDown();
        t.join(5_000);
    }

    @Test
    void anErrorReachesTheDeathHandler() throws Exception {
        MemoryPacketIo io = new MemoryPacketIo(MacAddress.parse("02:00:00:00:00:01"));
        Forwarder forwarder = new Forwarder(io);
        CompletableFuture<Throwable> died = new CompletableFuture<>();
        StackOverflowError boom = new StackOverflowError("test");
        ReceiveLoop loop = new ReceiveLoop(
                new PacketIo() {
                    @Override
                    public int receive(byte[] buffer) {
                        throw boom;
                    }

                    @Override
                    public void send(byte[] frame, int length) {}

                    @Override
                    public void wakeup() {}

                    @Override
                    public MacAddress mac() {
                        return io.mac();
                    }

                    @Override
                    public void close() {}
                },
                forwarder,
                0,
                died::complete);
        Thread t = new Thread(loop);
        t.start();
        assertEquals(boom, died.get(5, TimeUnit.SECONDS));
        t.join(5_000);
        assertTrue(!loop.healthy(-1), "a dead loop is never healthy: the watchdog starves");
    }
}
