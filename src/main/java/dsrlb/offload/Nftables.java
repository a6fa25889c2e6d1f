package dsrlb.offload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs nft commands (the text of `nft -f`) as one transaction: all of a batch is applied, or
 * none. The offload engine talks to the kernel only through this, so tests replace it.
 */
public interface Nftables extends AutoCloseable {
    /**
     * Runs one batch.
     *
     * @return nft's output (JSON for list commands)
     * @throws NftablesException with nft's error text when the batch was rejected
     */
    String run(String commands) throws NftablesException;

    /** Reads an answer as it is streamed. */
    @FunctionalInterface
    interface OutputReader {
        void read(InputStream json) throws IOException;
    }

    /**
     * Runs one batch and hands its output to {@code reader} as a stream, valid only during the
     * call: a map's listing holds every client of a VIP, tens of MB of JSON under a flood, and
     * must not become one String on the heap. This default (tests' fakes) streams {@link #run}'s
     * String; libnftables' implementation reads its native buffer in chunks.
     */
    default void run(String commands, OutputReader reader) throws IOException {
        reader.read(new ByteArrayInputStream(run(commands).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    void close();

    /** nft refused a batch; nothing of it was applied. */
    final class NftablesException extends IOException {
        public NftablesException(String message) {
            super(message);
        }
    }
}
