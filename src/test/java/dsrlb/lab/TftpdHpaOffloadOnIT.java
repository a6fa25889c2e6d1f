package dsrlb.lab;

/** Two tftpd-hpa backends; veth tx checksum offload on (the kernel default). The engines' suites build on it. */
class TftpdHpaOffloadOnIT extends DsrPathIT {
    @Override
    String[] labOptions() {
        return new String[] {"--offload", "on"};
    }

    @Override
    boolean offloadOn() {
        return true;
    }
}
