package dsrlb.tftp;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * The file as its blocks arrive: counted, hashed and, when asked, stored; checked at the end
 * against the size and hash the caller expects and the size the server announced.
 */
final class ReceivedContent {
    private final MessageDigest digest = newSha256();
    /** Null when only the hash is kept (monitors, storms). */
    private final OutputStream sink;

    private long bytes;
    private String sha256;

    ReceivedContent(OutputStream sink) {
        this.sink = sink;
    }

    void append(byte[] b, int offset, int length) throws DownloadFailure {
        bytes += length;
        digest.update(b, offset, length);
        if (sink != null) {
            try {
                sink.write(b, offset, length);
            } catch (IOException e) {
                throw new DownloadFailure(FailureKind.IO_ERROR, "cannot store the content: " + e.getMessage());
            }
        }
    }

    long bytes() {
        return bytes;
    }

    /** The content's hash in hex, once {@link #verify} computed it; null before. */
    String sha256() {
        return sha256;
    }

    void verify(OptionalLong expectedSize, OptionalLong tsize, String expectedSha256) throws DownloadFailure {
        sha256 = HexFormat.of().formatHex(digest.digest());
        if (expectedSize.isPresent() && expectedSize.getAsLong() != bytes) {
            throw new DownloadFailure(
                    FailureKind.SIZE_MISMATCH, "received " + bytes + " bytes, expected " + expectedSize.getAsLong());
        }
        if (tsize.isPresent() && tsize.getAsLong() != bytes) {
            throw new DownloadFailure(
                    FailureKind.SIZE_MISMATCH,
                    "received " + bytes + " bytes, the server announced tsize " + tsize.getAsLong());
        }
        if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
            throw new DownloadFailure(FailureKind.HASH_MISMATCH, "sha256 " + sha256 + ", expected " + expectedSha256);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }
}
