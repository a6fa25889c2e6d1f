package dsrlb.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The dialect's value types shared by several commands (names, protocols, states, methods),
 * each refused with a message that says what NetScaler would have meant and what dsrlb takes.
 */
final class ConfigValues {
    /** NetScaler's rule for entity names, so a config that NetScaler took is taken here too. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_#.:@= -]{0,126}");

    private ConfigValues() {}

    static String name(Statement s, String kind, String name) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw s.error("'" + name + "' is not a valid " + kind + " name: up to 127 letters, digits and"
                    + " _ # . : @ = - or spaces, starting with a letter, digit or _");
        }
        return name;
    }

    static Duration seconds(Statement s, String option, Duration otherwise) throws ConfigException {
        return s.has(option) ? Duration.ofSeconds(s.number("-" + option, s.option(option), 1, 20_940)) : otherwise;
    }

    static Protocol protocol(Statement s, String kind, String text) throws ConfigException {
        String type = Statement.keyword(text);
        Protocol protocol = switch (type) {
            case "ANY" -> Protocol.ANY;
            case "UDP" -> Protocol.UDP;
            case "TCP" -> Protocol.TCP;
            default -> null;
        };
        if (protocol != null) {
            return protocol;
        }
        if (Dialect.PROXY_TYPES.contains(type)) {
            String hint = type.equals("TFTP")
                    ? " (for TFTP use ANY * or UDP *: clients ACK to the server's ephemeral port)"
                    : "";
            throw s.error(kind + " type " + type + " is not supported in MAC mode; use ANY, UDP or TCP" + hint);
        }
        throw s.error("'" + text + "' is not a " + kind + " type; use ANY, UDP or TCP");
    }

    static ServiceState state(Statement s) throws ConfigException {
        return switch (Statement.keyword(s.option("state"))) {
            case "ENABLED" -> ServiceState.ENABLED;
            case "DISABLED" -> ServiceState.DISABLED;
            default -> throw s.error("bad value '" + s.option("state") + "' for -state: expected ENABLED or DISABLED");
        };
    }

    static PersistenceType persistence(Statement s) throws ConfigException {
        String text = s.option("persistenceType");
        String type = Statement.keyword(text);
        PersistenceType persistence = switch (type) {
            case "SOURCEIP" -> PersistenceType.SOURCEIP;
            case "NONE" -> PersistenceType.NONE;
            default -> null;
        };
        if (persistence != null) {
            return persistence;
        }
        if (Dialect.L7_PERSISTENCE.contains(type)) {
            throw s.error("-persistenceType " + type + " is not possible in MAC mode (dsrlb never reads the "
                    + "application data); use SOURCEIP or NONE");
        }
        if (Dialect.OTHER_L4_PERSISTENCE.contains(type)) {
            throw s.error("-persistenceType " + type + " is not supported (yet); use SOURCEIP or NONE");
        }
        throw s.error("-persistenceType " + text + " is not a persistence type; use SOURCEIP or NONE");
    }

    static LbMethod lbMethod(Statement s) throws ConfigException {
        String text = s.option("lbMethod");
        String method = Statement.keyword(text);
        LbMethod lbMethod = switch (method) {
            case "ROUNDROBIN" -> LbMethod.ROUNDROBIN;
            case "SOURCEIPHASH" -> LbMethod.SOURCEIPHASH;
            case "LEASTTRANSFERS" -> LbMethod.LEASTTRANSFERS;
            default -> null;
        };
        if (lbMethod != null) {
            return lbMethod;
        }
        if (Dialect.OTHER_LB_METHODS.contains(method)) {
            throw s.error(
                    "-lbMethod " + method + " is not supported (yet): use ROUNDROBIN, SOURCEIPHASH or LEASTTRANSFERS");
        }
        throw s.error("-lbMethod " + text
                + " is not a load-balancing method; use ROUNDROBIN, SOURCEIPHASH or LEASTTRANSFERS");
    }

    static String portText(int port) {
        return port == ServiceConfig.ANY_PORT ? "*" : Integer.toString(port);
    }
}
