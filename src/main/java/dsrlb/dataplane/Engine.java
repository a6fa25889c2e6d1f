package dsrlb.dataplane;

import java.util.Locale;

/**
 * How frames get between the interface and the forwarder. The forwarder cannot tell them
 * apart; the integration tests run each.
 */
public enum Engine {
    /** libpcap through pcap4j: portable, every packet crosses to user space. */
    PCAP,
    /** native/: AF_PACKET TPACKET_V3 ring and batched send through JNA, one call a batch. */
    NATIVE,
    /**
     * Decisions in Java, packets in the kernel: each client's backend is written into an
     * nftables netdev map, and only a client's first packets (and ARP) reach dsrlb.
     */
    OFFLOAD;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
