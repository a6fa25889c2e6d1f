package dsrlb.tftp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One download to make: what to fetch from where, how patiently, and what it must look like.
 *
 * @param server the address the RRQ goes to (for the DSR-path check, the VIP)
 * @param port its TFTP port
 * @param file the file name as the server knows it
 * @param blksize RFC 2348 block size to ask for (8..65464), also asking RFC 2349 tsize; 0 asks for
 *        no options at all (plain RFC 1350, 512-byte blocks)
 * @param timeout how long to wait for the answer to each packet before sending it again
 * @param retries how many times a packet is sent again before the download fails
 * @param totalTimeout an upper bound for the whole download, or null for none; a server that
 *        keeps answering slowly would otherwise hold a monitor for retries × timeout per block
 * @param expectedSize the size the file must have, if known
 * @param expectedSha256 the SHA-256 (hex, either case, stored lower-case) the file must have, or null
 * @param localAddress the address to bind the client's socket to, or null for the wildcard; a
 *        sender that builds its own IP header needs a concrete one
 */
public record TftpRequest(
        InetAddress server,
        int port,
        String file,
        int blksize,
        Duration timeout,
        int retries,
        Duration totalTimeout,
        OptionalLong expectedSize,
        String expectedSha256,
        InetAddress localAddress) {
    public static final int DEFAULT_PORT = 69;
    /** RFC 2348's example for Ethernet: the largest block that leaves room for IP options. */
    public static final int DEFAULT_BLKSIZE = 1428;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_RETRIES = 3;
    public static final int MIN_BLKSIZE = 8;
    public static final int MAX_BLKSIZE = 65464;

    public TftpRequest {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(expectedSize, "expectedSize");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (file.isEmpty() || file.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("file name must be non-empty and without NUL");
        }
        if (blksize != 0 && (blksize < MIN_BLKSIZE || blksize > MAX_BLKSIZE)) {
            throw new IllegalArgumentException(
                    "blksize must be 0 or " + MIN_BLKSIZE + ".." + MAX_BLKSIZE + ": " + blksize);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0: " + retries);
        }
        if (totalTimeout != null && (totalTimeout.isNegative() || totalTimeout.isZero())) {
            throw new IllegalArgumentException("totalTimeout must be positive: " + totalTimeout);
        }
        if (expectedSize.isPresent() && expectedSize.getAsLong() < 0) {
            throw new IllegalArgumentException("expectedSize must be >= 0: " + expectedSize.getAsLong());
        }
        if (expectedSha256 != null) {
            expectedSha256 = expectedSha256.toLowerCase(Locale.ROOT);
            if (expectedSha256.length() != 64 || !expectedSha256.chars().allMatch(HexFormat::isHexDigit)) {
                throw new IllegalArgumentException("expectedSha256 must be 64 hex digits: " + expectedSha256);
            }
        }
    }

    /** Port 69, blksize 1428 (+ tsize), 2 s per packet, 3 retries, no total bound, nothing expected. */
    public static TftpRequest of(InetAddress server, String file) {
        return new TftpRequest(
                server,
                DEFAULT_PORT,
                file,
                DEFAULT_BLKSIZE,
                DEFAULT_TIMEOUT,
                DEFAULT_RETRIES,
                null,
                OptionalLong.empty(),
                null,
                null);
    }

    public TftpRequest withServer(InetAddress s) {
        return new TftpRequest(
                s, port, file, blksize, timeout, retries, totalTimeout, expectedSize, expectedSha256, localAddress);
    }

    public TftpRequest withPort(int p) {
        return new TftpRequest(
                server, p, file, blksize, timeout, retries, totalTimeout, expectedSize, expectedSha256, localAddress);
    }

    public TftpRequest withBlksize(int b) {
        return new TftpRequest(
                server, port, file, b, timeout, retries, totalTimeout, expectedSize, expectedSha256, localAddress);
    }

    public TftpRequest withTimeout(Duration t, int r) {
        return new TftpRequest(
                server, port, file, blksize, t, r, totalTimeout, expectedSize, expectedSha256, localAddress);
    }

    public TftpRequest withTotalTimeout(Duration t) {
        return new TftpRequest(
                server, port, file, blksize, timeout, retries, t, expectedSize, expectedSha256, localAddress);
    }

    public TftpRequest withExpectedSize(long size) {
        return new TftpRequest(
                server,
                port,
                file,
                blksize,
                timeout,
                retries,
                totalTimeout,
                OptionalLong.of(size),
                expectedSha256,
                localAddress);
    }

    public TftpRequest withExpectedSha256(String hex) {
        return new TftpRequest(
                server, port, file, blksize, timeout, retries, totalTimeout, expectedSize, hex, localAddress);
    }

    public TftpRequest withLocalAddress(InetAddress local) {
        return new TftpRequest(
                server, port, file, blksize, timeout, retries, totalTimeout, expectedSize, expectedSha256, local);
    }

    /** True when the RRQ carries blksize and tsize options. */
    public boolean asksOptions() {
        return blksize != 0;
    }
}
