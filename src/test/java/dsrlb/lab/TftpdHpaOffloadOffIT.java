package dsrlb.lab;

/** Two tftpd-hpa backends; checksums computed in software everywhere. */
class TftpdHpaOffloadOffIT extends DsrPathIT {
    @Override
    String[] labOptions() {
        return new String[] {"--offload", "off"};
    }

    @Override
    boolean offloadOn() {
        return false;
    }
}
