package dsrlb.lab;

/**
 * The whole DSR suite on {@code --engine pcap} (tftpd-hpa, checksum offload on): the engine auto
 * falls back to last, where neither the kernel path nor dsrlb's own ring library can run.
 */
class PcapEngineIT extends TftpdHpaOffloadOnIT {
    @Override
    String[] dsrlbArgs() {
        return new String[] {"--engine", "pcap"};
    }
}
