package dsrlb.tftp;

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
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** The state machine of one RRQ, from the request to the verdict; used once. */
final class Download {
    /** ICMP comes back within a round trip; a longer wait would only delay the verdict. */
    private static final Duration ICMP_PROBE_MAX_WAIT = Duration.ofSeconds(1);

    private final TftpRequest request;
    private final InetSocketAddress server;
    private final DatagramSocket socket;
    private final boolean viaSocket;
    private final ReceivedContent content;
    private final byte[] rrq;
    private final byte[] ack = new byte[4];

    private final PacketTrace trace = new PacketTrace();
    private final Retransmitter out;
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
    private int duplicates;
    private boolean icmpProbed;

    Download(TftpRequest request, DatagramSocket socket, DatagramSender sender, boolean viaSocket, OutputStream sink) {
        this.request = request;
        this.server = new InetSocketAddress(request.server(), request.port());
        this.socket = socket;
        this.viaSocket = viaSocket;
        this.content = new ReceivedContent(sink);
        this.rrq = TftpPackets.rrq(request.file(), request.blksize());
        this.blksize = request.asksOptions() ? request.blksize() : OackOptions.DEFAULT_BLKSIZE;
        this.out = new Retransmitter(sender, trace, request.timeout().toNanos());
    }

    TftpResult run() {
        try {
            sendRrq();
            receiveUntilLastBlock();
            verify();
            return result(null);
        } catch (DownloadFailure f) {
            endNanos = System.nanoTime();
            return result(f);
        }
    }

    private void sendRrq() throws DownloadFailure {
        String label =
                "RRQ " + request.file() + (request.asksOptions() ? " blksize=" + request.blksize() + " tsize=0" : "");
        String firstLabel = label + " to " + TftpText.format(server);
        // The response time starts when the RRQ leaves, not with our own set-up.
        startNanos = System.nanoTime();
        out.sendTracked(rrq, rrq.length, server, firstLabel);
        out.relabel(label);
        stage = Stage.WAITING_FIRST_REPLY;
    }

    private void receiveUntilLastBlock() throws DownloadFailure {
        byte[] buf =
                new byte[Math.max(request.blksize(), OackOptions.DEFAULT_BLKSIZE) + 5]; // header + 1 to see oversize
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        long totalDeadline = request.totalTimeout() == null
                ? 0
                : startNanos + request.totalTimeout().toNanos();
        while (true) {
            long now = System.nanoTime();
            if (request.totalTimeout() != null && now - totalDeadline >= 0) {
                throw new DownloadFailure(
                        FailureKind.TIMEOUT,
                        "not finished within " + TftpText.format(request.totalTimeout()) + " (waiting for " + awaited()
                                + ")");
            }
            if (now - out.answerDeadline() >= 0) {
                onTimeout();
                continue;
            }
            long wait = out.answerDeadline() - now;
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
                throw new DownloadFailure(FailureKind.IO_ERROR, "receive failed: " + e.getMessage());
            }
            if (handle(p)) {
                return;
            }
        }
    }

    private void onTimeout() throws DownloadFailure {
        trace.add(System.nanoTime(), "timeout " + TftpText.format(request.timeout()) + " waiting for " + awaited());
        if (tid == null && wrongSource != null) {
            tid = wrongSource; // what the result names as the server's answer
            throw new DownloadFailure(
                    FailureKind.WRONG_SOURCE,
                    "answered from " + TftpText.format(wrongSource) + ", not from "
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
                throw new DownloadFailure(FailureKind.ICMP_UNREACHABLE, v.label + " from " + TftpText.format(server));
            }
        }
        if (out.retriesUsed() >= request.retries()) {
            throw new DownloadFailure(
                    FailureKind.TIMEOUT,
                    "timeout waiting for " + awaited() + " after " + request.retries()
                            + (request.retries() == 1 ? " retry" : " retries"));
        }
        out.retry();
    }

    /** Handles one datagram; true when it was the last block. */
    private boolean handle(DatagramPacket p) throws DownloadFailure {
        InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
        byte[] b = p.getData();
        int len = p.getLength();
        int op = TftpPackets.opcode(b, len);
        if (tid != null && !tid.equals(from)) {
            fromForeignTid(from, op, b, len);
            return false;
        }
        if (tid == null) {
            if (!(((op == DATA || op == ERROR) && len >= 4) || op == OACK)) {
                trace.add(
                        System.nanoTime(),
                        "<- " + TftpText.describe(op, b, len) + " from " + TftpText.format(from) + " ignored");
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
                        "<- " + TftpText.describe(op, b, len) + " from " + TftpText.format(from)
                                + (op == ERROR ? "" : " -> ERROR 5"));
                if (op != ERROR) {
                    out.sendQuietly(TftpPackets.error(ERR_UNKNOWN_TID, "Unknown transfer ID"), from, "ERROR 5");
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
                throw protocolError(
                        ERR_ILLEGAL_OPERATION, "unexpected " + TftpText.describe(op, b, len) + " from the server");
        };
    }

    private DownloadFailure tftpError(byte[] b, int len) {
        int code = len >= 4 ? TftpPackets.u16At2(b) : -1;
        String message = TftpPackets.errorMessage(b, len);
        trace.add(System.nanoTime(), "<- ERROR " + code + " " + message + fromIfFirst());
        return new DownloadFailure(
                FailureKind.TFTP_ERROR,
                "TFTP error " + code + " (" + message + ")",
                OptionalInt.of(code),
                Optional.of(message));
    }

    private boolean onOack(byte[] b, int len) throws DownloadFailure {
        if (!request.asksOptions()) {
            throw protocolError(ERR_OPTION_REFUSED, "OACK to an RRQ without options");
        }
        if (oackAcknowledged) {
            if (lastBlock == 0) {
                // Our ACK 0 was lost or late and the server sent its OACK again.
                duplicates++;
                trace.add(System.nanoTime(), "<- OACK again -> ACK 0");
                out.resend();
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
        OackOptions negotiated;
        try {
            negotiated = OackOptions.negotiate(options, request.blksize());
        } catch (OackOptions.Refused e) {
            throw protocolError(ERR_OPTION_REFUSED, e.getMessage());
        }
        tsize = negotiated.tsize();
        blksize = negotiated.blksize();
        stage = Stage.TRANSFERRING;
        oackAcknowledged = true;
        acknowledge(0, "ACK 0");
        return false;
    }

    private boolean onData(byte[] b, int len) throws DownloadFailure {
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
            blksize = OackOptions.DEFAULT_BLKSIZE;
            stage = Stage.TRANSFERRING;
            if (request.asksOptions()) {
                trace.add(System.nanoTime(), "server ignored the options: blksize " + OackOptions.DEFAULT_BLKSIZE);
            }
        }
        int expected = (int) ((lastBlock + 1) & BLOCK_MASK);
        if (wire == expected) {
            if (n > blksize) {
                throw protocolError(
                        ERR_ILLEGAL_OPERATION,
                        "DATA " + TftpText.blockLabel(lastBlock + 1) + " carries " + n + " bytes, more than blksize "
                                + blksize);
            }
            lastBlock++;
            trace.add(System.nanoTime(), "<- DATA " + TftpText.blockLabel(lastBlock) + " (" + n + " bytes)" + from);
            content.append(b, 4, n);
            if (request.expectedSize().isPresent()
                    && content.bytes() > request.expectedSize().getAsLong()) {
                // Stop the server instead of downloading a file of unknown length to the end.
                out.sendQuietly(TftpPackets.error(3, "file larger than expected"), tid, "ERROR 3");
                throw new DownloadFailure(
                        FailureKind.SIZE_MISMATCH,
                        "more than the expected " + request.expectedSize().getAsLong() + " bytes at block "
                                + lastBlock);
            }
            acknowledge(wire, "ACK " + TftpText.blockLabel(lastBlock));
            if (n < blksize) {
                endNanos = System.nanoTime();
                return true;
            }
            return false;
        }
        if (lastBlock > 0 && wire == (int) (lastBlock & BLOCK_MASK)) {
            // The server did not see our ACK in time and sent the block again; say it once more.
            duplicates++;
            trace.add(
                    System.nanoTime(),
                    "<- DATA " + TftpText.blockLabel(lastBlock) + " again -> ACK " + TftpText.blockLabel(lastBlock));
            out.resend();
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
                "<- " + TftpText.describe(op, b, len) + " from unknown TID " + TftpText.format(from)
                        + (answer ? " -> ERROR 5" : " ignored"));
        if (answer) {
            out.sendQuietly(TftpPackets.error(ERR_UNKNOWN_TID, "Unknown transfer ID"), from, "ERROR 5");
        }
    }

    private void verify() throws DownloadFailure {
        stage = Stage.VERIFYING;
        content.verify(request.expectedSize(), tsize, request.expectedSha256());
    }

    private void acknowledge(int wireBlock, String label) throws DownloadFailure {
        int n = TftpPackets.writeAck(ack, wireBlock);
        out.sendTracked(ack, n, tid, label);
    }

    /** Tells the server why we stop (RFC 1350 asks for an ERROR) and fails. */
    private DownloadFailure protocolError(int code, String reason) {
        trace.add(System.nanoTime(), reason + " -> ERROR " + code);
        out.sendQuietly(TftpPackets.error(code, reason), tid, "ERROR " + code);
        return new DownloadFailure(FailureKind.PROTOCOL_ERROR, reason);
    }

    private String awaited() {
        return stage == Stage.WAITING_FIRST_REPLY ? "the first reply" : "block " + TftpText.blockLabel(lastBlock + 1);
    }

    /** The first packet from the server says where it came from; later ones share its TID. */
    private String fromIfFirst() {
        return (stage == Stage.WAITING_FIRST_REPLY ? " from " + TftpText.format(tid) : "");
    }

    private TftpResult result(DownloadFailure f) {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        TftpDiagnosis d = f == null
                ? null
                : new TftpDiagnosis(
                        stage, lastBlock, f.kind, f.errorCode, f.errorMessage, f.getMessage(), trace.lines(startNanos));
        return new TftpResult(
                server,
                tid,
                content.bytes(),
                Duration.ofNanos(end - startNanos),
                blksize,
                tsize,
                f == null || stage == Stage.VERIFYING ? content.sha256() : null,
                out.retransmissions(),
                duplicates,
                d);
    }
}
