package dsrlb.offload;

import java.io.IOException;

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

    @Override
    void close();

    /** nft refused a batch; nothing of it was applied. */
    final class NftablesException extends IOException {
        public NftablesException(String message) {
            super(message);
        }
    }
}
