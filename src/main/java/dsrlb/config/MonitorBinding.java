package dsrlb.config;

/** {@code bind service <service> -monitorName <monitor>}. */
public record MonitorBinding(String service, String monitor, SourceLocation location) {}
