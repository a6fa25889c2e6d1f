package dsrlb.cli;

import dsrlb.tftp.TftpRequest;
import java.time.Duration;
import java.util.HexFormat;

/** The checks that `probe` and `storm` share on their TFTP download options. */
final class TftpArguments {
    private TftpArguments() {}

    /** What is wrong with the options, in the words of the command line, or null. */
    static String problem(
            int port,
            String file,
            Duration timeout,
            Duration maxTime,
            int retries,
            int blksize,
            Long expectSize,
            String expectSha256) {
        if (port < 1 || port > 65535) {
            return "--port must be 1..65535";
        }
        if (file.isEmpty() || file.indexOf('\0') >= 0) {
            return "--file must be a non-empty name";
        }
        if (timeout.isZero()) {
            return "--timeout must be above 0";
        }
        if (maxTime != null && maxTime.isZero()) {
            return "--max-time must be above 0";
        }
        if (retries < 0) {
            return "--retries must be at least 0";
        }
        if (blksize != 0 && (blksize < TftpRequest.MIN_BLKSIZE || blksize > TftpRequest.MAX_BLKSIZE)) {
            return "--blksize must be 0 or " + TftpRequest.MIN_BLKSIZE + ".." + TftpRequest.MAX_BLKSIZE;
        }
        if (expectSize != null && expectSize < 0) {
            return "--expect-size must be at least 0";
        }
        if (expectSha256 != null
                && (expectSha256.length() != 64 || !expectSha256.chars().allMatch(HexFormat::isHexDigit))) {
            return "--expect-sha256 must be 64 hex digits";
        }
        return null;
    }
}
