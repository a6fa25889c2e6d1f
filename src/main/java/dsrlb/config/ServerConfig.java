package dsrlb.config;

import dsrlb.net.IpAddress;

/** {@code add server <name> <ip>}: an IPv4 or IPv6 address. */
public record ServerConfig(String name, IpAddress address, SourceLocation location) {}
