package dsrlb.config;

import dsrlb.net.IpAddress;

/**
 * {@code add ns ip <address> <mask> -type VIP} or {@code add ns ip6 <address>[/<prefix>] -type VIP}.
 *
 * @param prefixLength the netmask's or the prefix's length: dsrlb answers for the address alone,
 *     whatever the subnet, and keeps it only to show it back
 */
public record VipConfig(IpAddress address, int prefixLength, SourceLocation location) {}
