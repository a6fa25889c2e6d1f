package dsrlb.config;

/** {@code add ns ip <address> <mask> -type VIP}. */
public record VipConfig(int address, int mask, SourceLocation location) {}
