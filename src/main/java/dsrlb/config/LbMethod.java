package dsrlb.config;

public enum LbMethod {
    ROUNDROBIN,
    SOURCEIPHASH,
    /**
     * A dsrlb extension: the service with the fewest active TFTP transfers (relative to its
     * weight). NetScaler's connection-based methods see no connections in a TFTP stream.
     */
    LEASTTRANSFERS
}
