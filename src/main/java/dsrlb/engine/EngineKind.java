package dsrlb.engine;

import dsrlb.dataplane.PacketIo;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --engine} values. Every engine gives the forwarder frames through the same
 * {@link PacketIo}; they differ in how many frames reach user space at all.
 */
public enum EngineKind {
    /** The default: the first of {@link #AUTO_ORDER} that can start here, with the reasons the others could not. */
    AUTO,
    /**
     * Decisions in Java, packets in the kernel: each client's backend is written into an
     * nftables netdev map, and only a client's first packets (and ARP) reach dsrlb.
     */
    OFFLOAD,
    /** native/: AF_PACKET ring and batched send through JNA; every frame to a VIP crosses to user space. */
    NATIVE,
    /** libpcap: portable; every frame to a VIP crosses to user space. */
    PCAP;

    /** What {@link #AUTO} tries, fastest first: only the kernel path keeps up with the kernel. */
    public static final List<EngineKind> AUTO_ORDER = List.of(OFFLOAD, NATIVE, PCAP);

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** As the command line spells it, so that `run --help` lists "auto, offload, native, pcap". */
    @Override
    public String toString() {
        return cliName();
    }
}
