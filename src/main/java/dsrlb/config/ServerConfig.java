package dsrlb.config;

/** {@code add server <name> <ip>}. */
public record ServerConfig(String name, int address, SourceLocation location) {}
