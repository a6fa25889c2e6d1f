package dsrlb.tftp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A TFTP client for health checks and probes: RFC 1350 read requests in octet mode with the
 * RFC 2347 option negotiation for blksize (RFC 2348) and tsize (RFC 2349). It never throws for
 * network trouble; everything ends in a {@link TftpResult} with a diagnosis.
 *
 * <p>{@code download} binds, runs and closes in one go; {@link #open} is for a sender that must
 * know the local address and port before the RRQ is sent.
 */
public final class TftpClient {
    private TftpClient() {}

    /** Binds the transfer's socket (to the request's local address, an ephemeral port). */
    public static TftpTransfer open(TftpRequest request) throws IOException {
        return new TftpTransfer(request);
    }

    public static TftpResult download(TftpRequest request) {
        return download(request, null, null);
    }

    /** {@code sender} null: packets go out through the transfer's own socket. */
    public static TftpResult download(TftpRequest request, DatagramSender sender) {
        return download(request, sender, null);
    }

    /** Also writes the content to {@code sink} as it arrives (null: only hashed). */
    public static TftpResult download(TftpRequest request, DatagramSender sender, OutputStream sink) {
        try (TftpTransfer t = open(request)) {
            return t.run(sender, sink);
        } catch (IOException e) {
            InetSocketAddress server = new InetSocketAddress(request.server(), request.port());
            String local = request.localAddress() == null
                    ? "the wildcard address"
                    : request.localAddress().getHostAddress();
            TftpDiagnosis d = new TftpDiagnosis(
                    Stage.SENDING_RRQ,
                    0,
                    FailureKind.IO_ERROR,
                    OptionalInt.empty(),
                    Optional.empty(),
                    "cannot bind a UDP socket to " + local + ": " + e.getMessage(),
                    List.of());
            return new TftpResult(
                    server, null, 0, Duration.ZERO, request.blksize(), OptionalLong.empty(), null, 0, 0, d);
        }
    }
}
