package dsrlb.config;

/** {@code add route <network> <mask> <gateway>}: checked, not applied (the kernel routes the LB host). */
public record RouteConfig(int network, int mask, int gateway, SourceLocation location) {}
