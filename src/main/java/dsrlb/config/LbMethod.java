package dsrlb.config;

public enum LbMethod {
    ROUNDROBIN,
    SOURCEIPHASH
}
