package dsrlb.config;

/** Service and vserver types that make sense for MAC-mode forwarding. */
public enum Protocol {
    ANY(-1),
    UDP(17),
    TCP(6);

    private final int ipProtocol;

    Protocol(int ipProtocol) {
        this.ipProtocol = ipProtocol;
    }

    /** IP protocol number, or -1 for ANY. */
    public int ipProtocol() {
        return ipProtocol;
    }

    /** True when a packet of IP protocol {@code proto} belongs to this type. */
    public boolean matches(int proto) {
        return ipProtocol < 0 || ipProtocol == proto;
    }
}
