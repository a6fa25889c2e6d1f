package dsrlb.lab;

/** tftp2 is dnsmasq --enable-tftp instead of tftpd-hpa; offload on. */
class DnsmasqBackendIT extends DsrPathIT {
    @Override
    String[] labOptions() {
        return new String[] {"--offload", "on", "--backend2", "dnsmasq"};
    }

    @Override
    boolean offloadOn() {
        return true;
    }
}
