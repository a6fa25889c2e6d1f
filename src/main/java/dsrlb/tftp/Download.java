package dsrlb.tftp;

import static dsrlb.tftp.TftpPackets.ACK;
import static dsrlb.tftp.TftpPackets.BLOCK_MASK;
import static dsrlb.tftp.TftpPackets.DATA;
import static dsrlb.tftp.TftpPackets.ERROR;
import static dsrlb.tftp.TftpPackets.ERR_ILLEGAL_OPERATION;
import static dsrlb.tftp.TftpPackets.ERR_OPTION_REFUSED;
import static dsrlb.tftp.TftpPackets.ERR_UNKNOWN_TID;
import static dsrlb.tftp.TftpPackets.OACK;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** The state machine of one RRQ, from the request to the verdict; used once. */
final class Download {
    private static final int DEFAULT_BLKSIZE = 512;
    /** ICMP comes back within a round trip; a longer wait would only delay the verdict. */
    private static final Duration ICMP_PROBE_MAX_WAIT = Duration.ofSeconds(1);

    private final TftpRequest request;
    private final InetSocketAddress server;
    private final DatagramSocket socket;
    private final DatagramSender sender;
    private final boolean viaSocket;
    private final OutputStream sink;
    private final MessageDigest digest = sha256();
    private final byte[] rrq;
    private final byte[] ack = new byte[4];
    private final long timeoutNanos;

    private final PacketTrace trace = new PacketTrace();
    private long startNanos;
    private long endNanos;
    private Stage stage = Stage.SENDING_RRQ;
    private InetSocketAddress tid;
    /** An answer to our RRQ from an address we did not ask, while none from the right one came. */
    private InetSocketAddress wrongSource;

    private int blksize;
    private OptionalLong tsize = OptionalLong.empty();
    private boolean oackAcknowledged;
    private long lastBlock;
    private long bytes;
    private String sha256;
    private int retransmissions;
    private int duplicates;

    /** The packet a timeout sends again: the RRQ, then the latest ACK. */
    private byte[] lastSent;

    private int lastSentLength;
    private InetSocketAddress lastSentTo;
    private String lastSentLabel;
    private long answerDeadline;
    private int retriesUsed;
    private boolean icmpProbed;

    Download(TftpRequest request, DatagramSocket socket, DatagramSender sender, boolean viaSocket, OutputStream sink) {
        this.request = request;
        this.server = new InetSocketAddress(request.server(), request.port());
        this.socket = socket;
        this.sender = sender;
        this.viaSocket = viaSocket;
        this.sink = sink;
        this.rrq = TftpPackets.rrq(request.file(), request.blksize());
        this.blksize = request.asksOptions() ? request.blksize() : DEFAULT_BLKSIZE;
        this.timeoutNanos = request.timeout().toNanos();
    }

    TftpResult run() {
        try {
            sendRrq();
            receiveUntilLastBlock();
            verify();
            return result(null);
        } catch (Failure f) {
            endNanos = System.nanoTime();
            return result(f);
        }
    }

    private void sendRrq() throws Failure {
        String label =
                "RRQ " + request.file() + (request.asksOptions() ? " blksize=" + request.blksize() + " tsize=0" : "");
        String firstLabel = label + " to " + format(server);
        // The response time starts when the RRQ leaves, not with our own set-up.
        startNanos = System.nanoTime();
        sendTracked(rrq, rrq.length, server, firstLabel);
        lastSentLabel = label;
        stage = Stage.WAITING_FIRST_REPLY;
    }

    private void receiveUntilLastBlock() throws Failure {
        byte[] buf = new byte[Math.max(request.blksize(), DEFAULT_BLKSIZE) + 5]; // header + 1 to see oversize
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        long totalDeadline = request.totalTimeout() == null
                ? 0
                : startNanos + request.totalTimeout().toNanos();
        while (true) {
            long now = System.nanoTime();
            if (request.totalTimeout() != null && now - totalDeadline >= 0) {
                throw new Failure(
                        FailureKind.TIMEOUT,
                        "not finished within " + format(request.totalTimeout()) + " (waiting for " + awaited() + ")");
            }
            if (now - answerDeadline >= 0) {
                onTimeout();
                continue;
            }
            long wait = answerDeadline - now;
            if (request.totalTimeout() != null) {
                wait = Math.min(wait, totalDeadline - now);
            }
            p.setData(buf);
            try {
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000)));
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                throw new Failure(FailureKind.IO_ERROR, "receive failed: " + e.getMessage());
            }
            if (handle(p)) {
                return;
            }
        }
    }

    private void onTimeout() throws Failure {
        trace.add(System.nanoTime(), "timeout " + format(request.timeout()) + " waiting for " + awaited());
        if (tid == null && wrongSource != null) {
            tid = wrongSource; // what the result names as the server's answer
            throw new Failure(
                    FailureKind.WRONG_SOURCE,
                    "answered from " + format(wrongSource) + ", not from "
                            + server.getAddress().getHostAddress());
        }
        if (stage == Stage.WAITING_FIRST_REPLY && viaSocket && !icmpProbed) {
            icmpProbed = true;
            Duration wait =
                    request.timeout().compareTo(ICMP_PROBE_MAX_WAIT) < 0 ? request.timeout() : ICMP_PROBE_MAX_WAIT;
            IcmpProbe.Verdict v = IcmpProbe.check(server, request.localAddress(), rrq, wait);
            trace.add(
                    System.nanoTime(),
                    "RRQ again from a connected socket: " + (v.label == null ? "no ICMP error" : v.label));
            if (v != IcmpProbe.Verdict.NO_ICMP) {
                throw new Failure(FailureKind.ICMP_UNREACHABLE, v.label + " from " + format(server));
            }
        }
        if (retriesUsed >= request.retries()) {
            throw new Failure(
                    FailureKind.TIMEOUT,
                    "timeout waiting for " + awaited() + " after " + request.retries()
                            + (request.retries() == 1 ? " retry" : " retries"));
        }
        retriesUsed++;
        retransmissions++;
        trace.add(System.nanoTime(), "-> " + lastSentLabel + " (retry " + retriesUsed + ")");
        send(lastSent, lastSentLength, lastSentTo, lastSentLabel);
        answerDeadline = System.nanoTime() + timeoutNanos;
    }

    /** Handles one datagram; true when it was the last block. */
    private boolean handle(DatagramPacket p) throws Failure {
        InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
        byte[] b = p.getData();
        int len = p.getLength();
        int op = TftpPackets.opcode(b, len);
        if (tid != null && !tid.equals(from)) {
            fromForeignTid(from, op, b, len);
            return false;
        }
        if (tid == null) {
            if (!((op == DATA || op == ERROR) && len >= 4 || op == OACK)) {
                trace.add(System.nanoTime(), "<- " + describe(op, b, len) + " from " + format(from) + " ignored");
                return false;
            }
            // RFC 1350: the first answer's source port is the server's TID for the rest of the
            // transfer. Its address must be the one asked, as PXE firmware insists: a DSR backend
            // answering from its own address instead of the VIP breaks every real client. An
            // answer from elsewhere is refused (ERROR 5) without disturbing the transfer: it may
            // be a stray, e.g. a server still retransmitting to an earlier transfer that had this
            // address and port. If nothing right comes before the timeout, that is the failure.
            if (!from.getAddress().equals(server.getAddress())) {
                trace.add(
                        System.nanoTime(),
                        "<- " + describe(op, b, len) + " from " + format(from) + (op == ERROR ? "" : " -> ERROR 5"));
                if (op != ERROR) {
                    sendQuietly(TftpPackets.error(ERR_UNKNOWN_TID, "Unknown transfer ID"), from, "ERROR 5");
                }
                wrongSource = from;
                return false;
            }
            tid = from;
        }
        return switch (op) {
            case ERROR -> throw tftpError(b, len);
            case OACK -> onOack(b, len);
            case DATA -> onData(b, len);
            default ->
                throw protocolError(ERR_ILLEGAL_OPERATION, "unexpected " + describe(op, b, len) + " from the server");
        };
    }

    private Failure tftpError(byte[] b, int len) {
        int code = len >= 4 ? TftpPackets.u16At2(b) : -1;
        String message = TftpPackets.errorMessage(b, len);
        trace.add(System.nanoTime(), "<- ERROR " + code + " " + message + fromIfFirst());
        return new Failure(
                FailureKind.TFTP_ERROR,
                "TFTP error " + code + " (" + message + ")",
                OptionalInt.of(code),
                Optional.of(message));
    }

    private boolean onOack(byte[] b, int len) throws Failure {
        if (!request.asksOptions()) {
            throw protocolError(ERR_OPTION_REFUSED, "OACK to an RRQ without options");
        }
        if (oackAcknowledged) {
            if (lastBlock == 0) {
                // Our ACK 0 was lost or late and the server sent its OACK again.
                duplicates++;
                trace.add(System.nanoTime(), "<- OACK again -> ACK 0");
                send(lastSent, lastSentLength, lastSentTo, lastSentLabel);
                return false;
            }
            throw protocolError(ERR_ILLEGAL_OPERATION, "OACK after block " + lastBlock);
        }
        Map<String, String> options = TftpPackets.options(b, 2, len);
        if (options == null) {
            throw protocolError(ERR_ILLEGAL_OPERATION, "malformed OACK");
        }
        trace.add(
                System.nanoTime(),
                "<- OACK "
                        + options.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(" "))
                        + fromIfFirst());
        int negotiated = DEFAULT_BLKSIZE; // an option left out of the OACK is not in effect (RFC 2347)
        for (Map.Entry<String, String> o : options.entrySet()) {
            switch (o.getKey()) {
                case "blksize" -> {
                    long v = parseNonNegative(o.getValue());
                    if (v < TftpRequest.MIN_BLKSIZE || v > request.blksize()) {
                        throw protocolError(
                                ERR_OPTION_REFUSED,
                                "OACK blksize " + o.getValue() + " outside "
                                        + TftpRequest.MIN_BLKSIZE + ".." + request.blksize() + " (asked "
                                        + request.blksize()
                                        + ")");
                    }
                    negotiated = (int) v;
                }
                case "tsize" -> {
                    long v = parseNonNegative(o.getValue());
                    if (v < 0) {
                        throw protocolError(ERR_OPTION_REFUSED, "OACK tsize '" + o.getValue() + "' is not a size");
                    }
                    tsize = OptionalLong.of(v);
                }
                default ->
                    throw protocolError(ERR_OPTION_REFUSED, "OACK option '" + o.getKey() + "' was not asked for");
            }
        }
        blksize = negotiated;
        stage = Stage.TRANSFERRING;
        oackAcknowledged = true;
        acknowledge(0, "ACK 0");
        return false;
    }

    private boolean onData(byte[] b, int len) throws Failure {
        if (len < 4) {
            throw protocolError(ERR_ILLEGAL_OPERATION, "DATA packet of " + len + " bytes");
        }
        int wire = TftpPackets.u16At2(b);
        int n = len - 4;
        String from = fromIfFirst();
        if (stage == Stage.WAITING_FIRST_REPLY) {
            if (wire != 1) {
                throw protocolError(ERR_ILLEGAL_OPERATION, "first DATA is block " + wire + ", not 1");
            }
            // DATA instead of OACK: the server ignored our options (RFC 2347 allows it).
            blksize = DEFAULT_BLKSIZE;
            stage = Stage.TRANSFERRING;
            if (request.asksOptions()) {
                trace.add(System.nanoTime(), "server ignored the options: blksize " + DEFAULT_BLKSIZE);
            }
        }
        int expected = (int) ((lastBlock + 1) & BLOCK_MASK);
        if (wire == expected) {
            if (n > blksize) {
                throw protocolError(
                        ERR_ILLEGAL_OPERATION,
                        "DATA " + blockLabel(lastBlock + 1) + " carries " + n + " bytes, more than blksize " + blksize);
            }
            lastBlock++;
            bytes += n;
            trace.add(System.nanoTime(), "<- DATA " + blockLabel(lastBlock) + " (" + n + " bytes)" + from);
            digest.update(b, 4, n);
            if (sink != null) {
                try {
                    sink.write(b, 4, n);
                } catch (IOException e) {
                    throw new Failure(FailureKind.IO_ERROR, "cannot store the content: " + e.getMessage());
                }
            }
            if (request.expectedSize().isPresent()
                    && bytes > request.expectedSize().getAsLong()) {
                // Stop the server instead of downloading a file of unknown length to the end.
                sendQuietly(TftpPackets.error(3, "file larger than expected"), tid, "ERROR 3");
                throw new Failure(
                        FailureKind.SIZE_MISMATCH,
                        "more than the expected " + request.expectedSize().getAsLong() + " bytes at block "
                                + lastBlock);
            }
            acknowledge(wire, "ACK " + blockLabel(lastBlock));
            if (n < blksize) {
                endNanos = System.nanoTime();
                return true;
            }
            return false;
        }
        if (lastBlock > 0 && wire == (int) (lastBlock & BLOCK_MASK)) {
            // The server did not see our ACK in time and sent the block again; say it once more.
            duplicates++;
            trace.add(System.nanoTime(), "<- DATA " + blockLabel(lastBlock) + " again -> ACK " + blockLabel(lastBlock));
            send(lastSent, lastSentLength, lastSentTo, lastSentLabel);
            return false;
        }
        trace.add(System.nanoTime(), "<- DATA " + wire + " ignored (expected " + expected + ")");
        return false;
    }

    private void fromForeignTid(InetSocketAddress from, int op, byte[] b, int len) {
        // RFC 1350: answer with ERROR 5 and carry on; never answer an ERROR with an ERROR.
        boolean answer = op != ERROR;
        trace.add(
                System.nanoTime(),
                "<- " + describe(op, b, len) + " from unknown TID " + format(from)
                        + (answer ? " -> ERROR 5" : " ignored"));
        if (answer) {
            sendQuietly(TftpPackets.error(ERR_UNKNOWN_TID, "Unknown transfer ID"), from, "ERROR 5");
        }
    }

    private void verify() throws Failure {
        stage = Stage.VERIFYING;
        sha256 = HexFormat.of().formatHex(digest.digest());
        OptionalLong expectedSize = request.expectedSize();
        if (expectedSize.isPresent() && expectedSize.getAsLong() != bytes) {
            throw new Failure(
                    FailureKind.SIZE_MISMATCH, "received " + bytes + " bytes, expected " + expectedSize.getAsLong());
        }
        if (tsize.isPresent() && tsize.getAsLong() != bytes) {
            throw new Failure(
                    FailureKind.SIZE_MISMATCH,
                    "received " + bytes + " bytes, the server announced tsize " + tsize.getAsLong());
        }
        if (request.expectedSha256() != null && !request.expectedSha256().equals(sha256)) {
            throw new Failure(FailureKind.HASH_MISMATCH, "sha256 " + sha256 + ", expected " + request.expectedSha256());
        }
    }

    private void acknowledge(int wireBlock, String label) throws Failure {
        int n = TftpPackets.writeAck(ack, wireBlock);
        sendTracked(ack, n, tid, label);
    }

    /** Sends a packet that expects an answer: it becomes the one a timeout repeats. */
    private void sendTracked(byte[] p, int length, InetSocketAddress to, String label) throws Failure {
        lastSent = p;
        lastSentLength = length;
        lastSentTo = to;
        lastSentLabel = label;
        retriesUsed = 0;
        long now = System.nanoTime();
        send(p, length, to, label);
        trace.add(now, "-> " + label);
        answerDeadline = System.nanoTime() + timeoutNanos;
    }

    private void send(byte[] p, int length, InetSocketAddress to, String label) throws Failure {
        try {
            sender.send(p, length, to);
        } catch (IOException e) {
            throw new Failure(
                    FailureKind.IO_ERROR, "cannot send " + label + " to " + format(to) + ": " + e.getMessage());
        }
    }

    /** Sends a packet whose loss changes nothing for us (ERRORs to a server or a stranger). */
    private void sendQuietly(byte[] p, InetSocketAddress to, String label) {
        try {
            sender.send(p, p.length, to);
        } catch (IOException e) {
            trace.add(System.nanoTime(), "cannot send " + label + " to " + format(to) + ": " + e.getMessage());
        }
    }

    /** Tells the server why we stop (RFC 1350 asks for an ERROR) and fails. */
    private Failure protocolError(int code, String reason) {
        trace.add(System.nanoTime(), reason + " -> ERROR " + code);
        sendQuietly(TftpPackets.error(code, reason), tid, "ERROR " + code);
        return new Failure(FailureKind.PROTOCOL_ERROR, reason);
    }

    private String awaited() {
        return stage == Stage.WAITING_FIRST_REPLY ? "the first reply" : "block " + blockLabel(lastBlock + 1);
    }

    /** The first packet from the server says where it came from; later ones share its TID. */
    private String fromIfFirst() {
        return (stage == Stage.WAITING_FIRST_REPLY ? " from " + format(tid) : "");
    }

    private TftpResult result(Failure f) {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        TftpDiagnosis d = f == null
                ? null
                : new TftpDiagnosis(
                        stage, lastBlock, f.kind, f.errorCode, f.errorMessage, f.getMessage(), trace.lines(startNanos));
        return new TftpResult(
                server,
                tid,
                bytes,
                Duration.ofNanos(end - startNanos),
                blksize,
                tsize,
                f == null || stage == Stage.VERIFYING ? sha256 : null,
                retransmissions,
                duplicates,
                d);
    }

    /** Blocks past the 16-bit rollover show their wire number too, as a capture would. */
    private static String blockLabel(long block) {
        long wire = block & BLOCK_MASK;
        return wire == block ? Long.toString(block) : block + " (wire " + wire + ")";
    }

    private static String describe(int op, byte[] b, int len) {
        if ((op == DATA || op == ACK) && len >= 4) {
            return TftpPackets.opcodeName(op) + " " + TftpPackets.u16At2(b);
        }
        if (op == ERROR && len >= 4) {
            return "ERROR " + TftpPackets.u16At2(b) + " " + TftpPackets.errorMessage(b, len);
        }
        return op < 0 ? len + "-byte datagram" : TftpPackets.opcodeName(op);
    }

    /** -1 when not a plain decimal number. */
    private static long parseNonNegative(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }

    static String format(InetSocketAddress a) {
        return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    /** Ends the download from wherever it is detected; carries the diagnosis. */
    private static final class Failure extends Exception {
        final FailureKind kind;
        final OptionalInt errorCode;
        final Optional<String> errorMessage;

        Failure(FailureKind kind, String reason) {
            this(kind, reason, OptionalInt.empty(), Optional.empty());
        }

        Failure(FailureKind kind, String reason, OptionalInt errorCode, Optional<String> errorMessage) {
            super(reason, null, false, false);
            this.kind = kind;
            this.errorCode = errorCode;
            this.errorMessage = errorMessage;
        }
    }
}
