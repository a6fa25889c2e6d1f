package dsrlb.testing;

import dsrlb.dataplane.PacketIo;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/** An engine in memory: tests queue frames in and read what was sent. */
public final class MemoryPacketIo implements PacketIo {
    private final MacAddress mac;
    private final Deque<byte[]> incoming = new ArrayDeque<>();
    private final List<byte[]> sent = new ArrayList<>();
    private boolean failSends;

    public MemoryPacketIo(MacAddress mac) {
        this.mac = mac;
    }

    public synchronized void inject(byte[] frame) {
        incoming.add(frame.clone());
    }

    public synchronized List<byte[]> sent() {
        return List.copyOf(sent);
    }

    public synchronized void clearSent() {
        sent.clear();
    }

    public synchronized void failSends(boolean fail) {
        failSends = fail;
    }

    @Override
    public synchronized int receive(byte[] buffer) {
        byte[] f = incoming.poll();
        if (f == null) {
            return 0;
        }
        System.arraycopy(f, 0, buffer, 0, f.length);
        return f.length;
    }

    @Override
    public synchronized void send(byte[] frame, int length) throws IOException {
        if (failSends) {
            throw new IOException("send refused (test)");
        }
        sent.add(Arrays.copyOf(frame, length));
    }

    @Override
    public void wakeup() {}

    @Override
    public MacAddress mac() {
        return mac;
    }

    @Override
    public void close() {}
}
