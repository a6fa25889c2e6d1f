package dsrlb.tftp;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What a server's OACK settles (RFC 2347 with blksize, RFC 2348, and tsize, RFC 2349), checked
 * against what the RRQ asked: a server may lower blksize or leave an option out, never raise it
 * or add one.
 */
record OackOptions(int blksize, OptionalLong tsize) {
    /** The blksize of a transfer without options, or whose OACK left blksize out. */
    static final int DEFAULT_BLKSIZE = 512;

    /** An OACK the client must refuse (ERROR 8); the message says why. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    static OackOptions negotiate(Map<String, String> options, int askedBlksize) throws Refused {
        int negotiated = DEFAULT_BLKSIZE; // an option left out of the OACK is not in effect (RFC 2347)
        OptionalLong tsize = OptionalLong.empty();
        for (Map.Entry<String, String> o : options.entrySet()) {
            switch (o.getKey()) {
                case "blksize" -> {
                    long v = parseNonNegative(o.getValue());
                    if (v < TftpRequest.MIN_BLKSIZE || v > askedBlksize) {
                        throw new Refused("OACK blksize " + o.getValue() + " outside "
                                + TftpRequest.MIN_BLKSIZE + ".." + askedBlksize + " (asked "
                                + askedBlksize
                                + ")");
                    }
                    negotiated = (int) v;
                }
                case "tsize" -> {
                    long v = parseNonNegative(o.getValue());
                    if (v < 0) {
                        throw new Refused("OACK tsize '" + o.getValue() + "' is not a size");
                    }
                    tsize = OptionalLong.of(v);
                }
                default -> throw new Refused("OACK option '" + o.getKey() + "' was not asked for");
            }
        }
        return new OackOptions(negotiated, tsize);
    }

    /** -1 when not a plain decimal number. */
    private static long parseNonNegative(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }
}
