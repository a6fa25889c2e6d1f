package dsrlb.config;

import java.time.Duration;
import java.util.Locale;

/** {@code add lb monitor} and {@code bind service -monitorName}: how a service's health is checked. */
final class MonitorCommands {
    private final ConfigDraft draft;

    MonitorCommands(ConfigDraft draft) {
        this.draft = draft;
    }

    void addLbMonitor(Statement s) throws ConfigException {
        String name = ConfigValues.name(s, "monitor", s.arg(0));
        MonitorConfig previous = draft.monitors.get(name);
        if (previous != null) {
            throw s.error("monitor '" + name + "' is already defined at " + previous.location());
        }
        String type = Statement.keyword(s.arg(1));
        if (!type.equals("TFTP")) {
            throw s.error("monitor type " + s.arg(1) + " is not supported; use TFTP (services without a monitor"
                    + " are checked by ARP)");
        }
        if (!s.has("file")) {
            throw s.error("a TFTP monitor needs -file <path> (e.g. -file ARDBP32.BIN)");
        }
        Duration interval = ConfigValues.seconds(s, "interval", MonitorConfig.DEFAULT_INTERVAL);
        Duration respTimeout = ConfigValues.seconds(s, "resptimeout", MonitorConfig.DEFAULT_RESPONSE_TIMEOUT);
        if (respTimeout.compareTo(interval) >= 0) {
            // NetScaler refuses the same: a probe must end before the next one starts.
            throw s.error(
                    "-resptimeout " + respTimeout.toSeconds() + " must be less than -interval " + interval.toSeconds());
        }
        int retries = s.has("retries")
                ? (int) s.number("-retries", s.option("retries"), 1, 127)
                : MonitorConfig.DEFAULT_RETRIES;
        int successRetries = s.has("successRetries")
                ? (int) s.number("-successRetries", s.option("successRetries"), 1, 32)
                : MonitorConfig.DEFAULT_SUCCESS_RETRIES;
        Duration downTime = ConfigValues.seconds(s, "downTime", MonitorConfig.DEFAULT_DOWN_TIME);
        int destPort = s.has("destPort") ? s.port(s.option("destPort")) : -1;
        int blksize = s.has("blksize") ? (int) s.number("-blksize", s.option("blksize"), 8, 65464) : 0;
        if (s.has("expectSize") && s.has("expectSha256")) {
            throw s.error("give -expectSize or -expectSha256, not both (the hash implies the size)");
        }
        long expectSize =
                s.has("expectSize") ? s.number("-expectSize", s.option("expectSize"), 0, Long.MAX_VALUE / 2) : -1;
        String sha = null;
        if (s.has("expectSha256")) {
            sha = s.option("expectSha256").toLowerCase(Locale.ROOT);
            if (!sha.matches("[0-9a-f]{64}")) {
                throw s.error("-expectSha256 needs 64 hex digits, not '" + s.option("expectSha256") + "'");
            }
        }
        draft.monitors.put(
                name,
                new MonitorConfig(
                        name,
                        s.option("file"),
                        interval,
                        respTimeout,
                        retries,
                        successRetries,
                        downTime,
                        destPort,
                        blksize,
                        expectSize,
                        sha,
                        s.at()));
    }

    void bindService(Statement s) throws ConfigException {
        ServiceConfig service = draft.service(s, s.arg(0));
        if (!s.has("monitorName")) {
            throw s.error("bind service needs -monitorName <monitor>");
        }
        String monitor = s.option("monitorName");
        if (!draft.monitors.containsKey(monitor)) {
            throw s.error("monitor '" + monitor + "' is not defined");
        }
        for (MonitorBinding b : draft.monitorBindings) {
            if (b.service().equals(service.name()) && b.monitor().equals(monitor)) {
                throw s.error("monitor '" + monitor + "' is already bound to service '" + service.name() + "' at "
                        + b.location());
            }
        }
        draft.monitorBindings.add(new MonitorBinding(service.name(), monitor, s.at()));
    }
}
