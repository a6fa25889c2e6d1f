package dsrlb.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A TFTP server on 127.0.0.1 for tests, answering like real ones from a new port per transfer,
 * with switches for the misbehaviour a client must survive. Configure it before the download.
 */
public final class FakeTftpServer implements AutoCloseable {
    private static final int ACK_TIMEOUT_MS = 1000;
    private static final int RESENDS = 3;

    private final DatagramSocket listener;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Set<Long> dropOnce = ConcurrentHashMap.newKeySet();
    private final Set<Long> duplicate = ConcurrentHashMap.newKeySet();
    private final Set<Long> foreignBefore = ConcurrentHashMap.newKeySet();
    private final Set<Long> staleBefore = ConcurrentHashMap.newKeySet();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final List<InetAddress> requesters = new CopyOnWriteArrayList<>();
    private final List<String> foreignGotBack = new CopyOnWriteArrayList<>();
    private final List<String> errorsReceived = new CopyOnWriteArrayList<>();
    private final List<DatagramSocket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile boolean silent;
    private volatile boolean supportOptions = true;
    private volatile int errorCode = -1;
    private volatile String errorMessage;
    private volatile long stopAtBlock = -1;
    private volatile InetAddress answerFrom = InetAddress.getLoopbackAddress();
    private volatile InetAddress strayFrom;
    private volatile long announcedTsize = -1;
    private volatile int oackBlksize = -1;

    private FakeTftpServer(InetAddress listen, int port) throws SocketException {
        listener = new DatagramSocket(new InetSocketAddress(listen, port));
        answerFrom = listen;
        Thread t = new Thread(this::accept, "fake-tftp-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public static FakeTftpServer start() throws SocketException {
        return new FakeTftpServer(InetAddress.getLoopbackAddress(), 0);
    }

    /** Listens on (and answers from) this address instead, e.g. ::1 for IPv6 clients. */
    public static FakeTftpServer start(InetAddress listen) throws SocketException {
        return new FakeTftpServer(listen, 0);
    }

    /**
     * Listens on this address and port: a second server on another loopback address with the
     * first one's port, as a storm's targets share one port.
     */
    public static FakeTftpServer start(InetAddress listen, int port) throws SocketException {
        return new FakeTftpServer(listen, port);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public FakeTftpServer serve(String name, byte[] content) {
        files.put(name, content.clone());
        return this;
    }

    /** Answers every RRQ with this ERROR, from a new port. */
    public FakeTftpServer errorOnRequest(int code, String message) {
        errorMessage = message;
        errorCode = code;
        return this;
    }

    /** Receives RRQs, answers nothing. */
    public FakeTftpServer silent() {
        silent = true;
        return this;
    }

    /** Plain RFC 1350: DATA 1 with 512-byte blocks whatever the RRQ asks. */
    public FakeTftpServer ignoreOptions() {
        supportOptions = false;
        return this;
    }

    /**
     * Loses DATA {@code block} the first time; sends it when the client repeats its previous ACK.
     * Block 0 is the OACK: the client can only repeat its RRQ, which starts a new transfer.
     */
    public FakeTftpServer dropDataOnce(long block) {
        dropOnce.add(block);
        return this;
    }

    /** Sends DATA {@code block} twice (block 0: the OACK). */
    public FakeTftpServer duplicate(long block) {
        duplicate.add(block);
        return this;
    }

    /** Before DATA {@code block}, sends a DATA with that number and junk from another port. */
    public FakeTftpServer foreignDataBefore(long block) {
        foreignBefore.add(block);
        return this;
    }

    /** Before DATA {@code block}, sends DATA {@code block - 2} again: an old, reordered packet. */
    public FakeTftpServer staleDataBefore(long block) {
        staleBefore.add(block);
        return this;
    }

    /** Goes silent instead of sending DATA {@code block}. */
    public FakeTftpServer stopAtBlock(long block) {
        stopAtBlock = block;
        return this;
    }

    /**
     * Before answering a request, sends the client a DATA 1 of junk from this address: a late
     * packet of another server's earlier transfer to the same client address and port.
     */
    public FakeTftpServer strayFrom(InetAddress address) {
        strayFrom = address;
        return this;
    }

    /** Transfers come from this address (any 127.x works on Linux without configuration). */
    public FakeTftpServer answerFrom(InetAddress address) {
        answerFrom = address;
        return this;
    }

    /** Announces this tsize in the OACK instead of the true one. */
    public FakeTftpServer announceTsize(long tsize) {
        announcedTsize = tsize;
        return this;
    }

    /** Puts this blksize in the OACK whatever was asked. */
    public FakeTftpServer oackBlksize(int blksize) {
        oackBlksize = blksize;
        return this;
    }

    /** Options of every RRQ received, in order (names lower-cased; "" for a plain RRQ). */
    public List<Map<String, String>> requests() {
        return requests;
    }

    /** The source address of every RRQ received, in order. */
    public List<InetAddress> requesters() {
        return requesters;
    }

    /** What the client sent back to DATA from a foreign TID, e.g. "ERROR 5 Unknown transfer ID". */
    public List<String> foreignGotBack() {
        return foreignGotBack;
    }

    /**
     * ERROR packets the client sent to transfers ("8 message"), once there is at least one (or
     * after 5 s): the client returns before this server's thread has read its last packet.
     */
    public List<String> errorsReceived() throws InterruptedException {
        awaitChange(() -> !errorsReceived.isEmpty());
        return errorsReceived;
    }

    /** Transfers whose last block was acknowledged, once there is at least one (or after 5 s). */
    public int completed() throws InterruptedException {
        awaitChange(() -> completed.get() > 0);
        return completed.get();
    }

    private synchronized void awaitChange(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean() && deadline - System.nanoTime() > 0) {
            wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    private synchronized void changed() {
        notifyAll();
    }

    @Override
    public void close() {
        listener.close();
        sockets.forEach(DatagramSocket::close);
    }

    private void accept() {
        byte[] buf = new byte[1500];
        while (!listener.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                listener.receive(p);
            } catch (IOException e) {
                return;
            }
            if (TftpPackets.opcode(buf, p.getLength()) != TftpPackets.RRQ) {
                continue;
            }
            int fileEnd = TftpPackets.indexOfNul(buf, 2, p.getLength());
            int modeEnd = TftpPackets.indexOfNul(buf, fileEnd + 1, p.getLength());
            String file = new String(buf, 2, fileEnd - 2, StandardCharsets.UTF_8);
            Map<String, String> options = TftpPackets.options(buf, modeEnd + 1, p.getLength());
            requesters.add(p.getAddress());
            requests.add(options);
            if (silent) {
                continue;
            }
            InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
            Thread t = new Thread(() -> transfer(client, file, options), "fake-tftp-transfer");
            t.setDaemon(true);
            t.start();
        }
    }

    private void transfer(InetSocketAddress client, String file, Map<String, String> options) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(answerFrom, 0))) {
            sockets.add(s);
            s.setSoTimeout(ACK_TIMEOUT_MS);
            if (strayFrom != null) {
                try (DatagramSocket stray = new DatagramSocket(new InetSocketAddress(strayFrom, 0))) {
                    send(stray, new byte[] {0, TftpPackets.DATA, 0, 1, 0x5A, 0x5A}, client);
                }
            }
            if (errorCode >= 0) {
                send(s, TftpPackets.error(errorCode, errorMessage), client);
                return;
            }
            byte[] content = files.get(file);
            if (content == null) {
                send(s, TftpPackets.error(TftpPackets.ERR_FILE_NOT_FOUND, "File not found"), client);
                return;
            }
            int blksize = 512;
            if (supportOptions && !options.isEmpty()) {
                StringBuilder oack = new StringBuilder();
                if (options.containsKey("blksize")) {
                    blksize = oackBlksize > 0 ? oackBlksize : Integer.parseInt(options.get("blksize"));
                    oack.append("blksize\0").append(blksize).append('\0');
                }
                if (options.containsKey("tsize")) {
                    oack.append("tsize\0")
                            .append(announcedTsize >= 0 ? announcedTsize : content.length)
                            .append('\0');
                }
                byte[] o = ("\0\6" + oack).getBytes(StandardCharsets.US_ASCII);
                boolean lost = dropOnce.remove(0L);
                if (!lost) {
                    send(s, o, client);
                }
                if (duplicate.contains(0L)) {
                    send(s, o, client);
                }
                if (!awaitAck(s, client, 0, o, lost)) {
                    return;
                }
            }
            long blocks = content.length / blksize + 1L;
            for (long n = 1; n <= blocks; n++) {
                if (n == stopAtBlock) {
                    return;
                }
                byte[] data = data(content, n, blksize);
                if (foreignBefore.contains(n)) {
                    sendFromForeignTid(client, n, data.length - 4);
                }
                if (staleBefore.contains(n) && n > 2) {
                    send(s, data(content, n - 2, blksize), client);
                }
                boolean dropped = dropOnce.remove(n);
                if (!dropped) {
                    send(s, data, client);
                }
                if (duplicate.contains(n)) {
                    send(s, data, client);
                }
                if (!awaitAck(s, client, n, data, dropped)) {
                    return;
                }
            }
            completed.incrementAndGet();
            changed();
        } catch (IOException e) {
            // closed by the test
        }
    }

    /**
     * Waits for ACK {@code n}. Like RFC 1123 asks, a repeated ACK of the previous block does not
     * make us send again (the Sorcerer's Apprentice) unless the block was really lost.
     */
    private boolean awaitAck(DatagramSocket s, InetSocketAddress client, long n, byte[] packet, boolean lost)
            throws IOException {
        byte[] buf = new byte[1500];
        int resends = 0;
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                if (++resends > RESENDS) {
                    return false;
                }
                send(s, packet, client);
                lost = false;
                continue;
            }
            if (!p.getSocketAddress().equals(client)) {
                continue;
            }
            int op = TftpPackets.opcode(buf, p.getLength());
            if (op == TftpPackets.ERROR) {
                errorsReceived.add(TftpPackets.u16At2(buf) + " " + TftpPackets.errorMessage(buf, p.getLength()));
                changed();
                return false;
            }
            if (op != TftpPackets.ACK) {
                continue;
            }
            int block = TftpPackets.u16At2(buf);
            if (block == (n & TftpPackets.BLOCK_MASK)) {
                return true;
            }
            if (lost && block == ((n - 1) & TftpPackets.BLOCK_MASK)) {
                send(s, packet, client);
                lost = false;
            }
        }
    }

    private void sendFromForeignTid(InetSocketAddress client, long n, int length) throws IOException {
        byte[] junk = new byte[4 + length];
        Arrays.fill(junk, (byte) 0x5A);
        junk[0] = 0;
        junk[1] = TftpPackets.DATA;
        junk[2] = (byte) (n >>> 8);
        junk[3] = (byte) n;
        try (DatagramSocket foreign = new DatagramSocket(new InetSocketAddress(answerFrom, 0))) {
            foreign.setSoTimeout(ACK_TIMEOUT_MS);
            send(foreign, junk, client);
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                foreign.receive(p);
                int op = TftpPackets.opcode(buf, p.getLength());
                foreignGotBack.add(TftpPackets.opcodeName(op) + " " + TftpPackets.u16At2(buf)
                        + (op == TftpPackets.ERROR ? " " + TftpPackets.errorMessage(buf, p.getLength()) : ""));
            } catch (SocketTimeoutException e) {
                foreignGotBack.add("nothing");
            }
        }
    }

    private static byte[] data(byte[] content, long n, int blksize) {
        int from = (int) Math.min(content.length, (n - 1) * blksize);
        int to = (int) Math.min(content.length, n * blksize);
        byte[] p = new byte[4 + to - from];
        p[1] = TftpPackets.DATA;
        p[2] = (byte) (n >>> 8);
        p[3] = (byte) n;
        System.arraycopy(content, from, p, 4, to - from);
        return p;
    }

    private static void send(DatagramSocket s, byte[] p, InetSocketAddress to) throws IOException {
        s.send(new DatagramPacket(p, p.length, to));
    }
}
