package dsrlb.config;

import dsrlb.config.Tokenizer.Token;
import dsrlb.net.Ipv4;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a dsrlb configuration written in the NetScaler CLI dialect (see design.md, "Config
 * dialect"). The whole file is checked before anything is returned: the first problem stops
 * the load with a {@code file:line: message} error, so a bad config never half-applies.
 */
public final class ConfigParser {
    /** NetScaler's rule for entity names, so a config that NetScaler took is taken here too. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_#.:@= -]{0,126}");

    private static final int MAX_TIMEOUT_MINUTES = 1440;
    private static final int MAX_WEIGHT = 100;

    private final Notices notices = new Notices();
    private final Map<Integer, VipConfig> vips = new LinkedHashMap<>();
    private final List<RouteConfig> routes = new ArrayList<>();
    private final Map<String, ServerConfig> servers = new LinkedHashMap<>();
    private final Map<Integer, ServerConfig> serversByAddress = new HashMap<>();
    private final Set<String> implicitServers = new HashSet<>();
    private final Map<String, ServiceConfig> services = new LinkedHashMap<>();
    private final Map<String, VserverDraft> vservers = new LinkedHashMap<>();
    private final Map<Endpoint, VserverDraft> vserversByEndpoint = new HashMap<>();
    private final Map<String, MonitorConfig> monitors = new LinkedHashMap<>();
    private final List<MonitorBinding> monitorBindings = new ArrayList<>();

    private final List<Command> commands = List.of(
            new Command(Dialect.ADD_NS_IP, this::addNsIp),
            new Command(Dialect.ADD_ROUTE, this::addRoute),
            new Command(Dialect.ADD_SERVER, this::addServer),
            new Command(Dialect.ADD_SERVICE, this::addService),
            new Command(Dialect.SET_SERVICE, this::setService),
            new Command(Dialect.ENABLE_SERVICE, s -> changeState(s, ServiceState.ENABLED)),
            new Command(Dialect.DISABLE_SERVICE, s -> changeState(s, ServiceState.DISABLED)),
            new Command(Dialect.ADD_LB_VSERVER, this::addLbVserver),
            new Command(Dialect.BIND_LB_VSERVER, this::bindLbVserver),
            new Command(Dialect.ADD_LB_MONITOR, this::addLbMonitor),
            new Command(Dialect.BIND_SERVICE, this::bindService));

    private ConfigParser() {}

    /** Loads a UTF-8 file; messages name it as given, the way compilers do. */
    public static DsrConfig load(Path file) throws ConfigException, IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * @param fileName what error messages and notices call the text
     * @throws ConfigException at the first problem, with its line
     */
    public static DsrConfig parse(String fileName, String text) throws ConfigException {
        ConfigParser parser = new ConfigParser();
        // A BOM is what Windows editors leave in front of the first command.
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        int lineNumber = 0;
        for (String line : (Iterable<String>) body.lines()::iterator) {
            lineNumber++;
            SourceLocation at = new SourceLocation(fileName, lineNumber);
            List<Token> tokens = Tokenizer.tokenize(line, at);
            if (!tokens.isEmpty()) {
                parser.execute(at, tokens);
            }
        }
        return parser.build();
    }

    private void execute(SourceLocation at, List<Token> tokens) throws ConfigException {
        for (Command command : commands) {
            if (startsWith(tokens, command.spec().words())) {
                command.handler().apply(Statement.parse(command.spec(), tokens, at, notices));
                return;
            }
        }
        for (List<String> words : Dialect.NOT_YET) {
            if (startsWith(tokens, words)) {
                throw new ConfigException(at, "command '" + String.join(" ", words) + "' is not supported yet");
            }
        }
        throw new ConfigException(at, "unknown command '" + commandWords(tokens) + "'");
    }

    private static boolean startsWith(List<Token> tokens, List<String> words) {
        if (tokens.size() < words.size()) {
            return false;
        }
        for (int i = 0; i < words.size(); i++) {
            if (!tokens.get(i).text().equalsIgnoreCase(words.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The leading keywords of an unknown line, enough to recognise it without echoing the whole line. */
    private static String commandWords(List<Token> tokens) {
        List<String> words = new ArrayList<>();
        for (Token token : tokens) {
            if (words.size() == 3 || token.isOptionName()) {
                break;
            }
            words.add(token.display());
        }
        return String.join(" ", words) + (tokens.size() > words.size() ? " ..." : "");
    }

    private void addNsIp(Statement s) throws ConfigException {
        int address = s.address(s.arg(0));
        int mask = s.netmask(s.arg(1));
        String type = s.option("type");
        if (type == null) {
            throw s.error("missing -type VIP (NetScaler's default type is SNIP, which dsrlb has no use for)");
        }
        if (!Statement.keyword(type).equals("VIP")) {
            throw s.error("-type " + type + ": only -type VIP is supported here");
        }
        VipConfig previous = vips.get(address);
        if (previous != null) {
            throw s.error("ns ip " + Ipv4.format(address) + " is already added at " + previous.location());
        }
        vips.put(address, new VipConfig(address, mask, s.at()));
    }

    private void addRoute(Statement s) throws ConfigException {
        int network = s.address(s.arg(0));
        int mask = s.netmask(s.arg(1));
        int gateway = s.address(s.arg(2));
        if ((network & ~mask) != 0) {
            throw s.error("route network " + s.arg(0) + " has host bits set outside netmask " + s.arg(1));
        }
        for (RouteConfig route : routes) {
            if (route.network() == network && route.mask() == mask && route.gateway() == gateway) {
                throw s.error("route " + s.arg(0) + " " + s.arg(1) + " " + s.arg(2) + " is already added at "
                        + route.location());
            }
        }
        routes.add(new RouteConfig(network, mask, gateway, s.at()));
    }

    private void addServer(Statement s) throws ConfigException {
        String name = name(s, "server", s.arg(0));
        int address = s.address(s.arg(1));
        ServerConfig previous = servers.get(name);
        if (previous != null) {
            throw s.error("server '" + name + "' is already defined at " + previous.location()
                    + (implicitServers.contains(name) ? " (implicitly, by 'add service')" : ""));
        }
        addServer(s, new ServerConfig(name, address, s.at()));
    }

    // One server per address: the balancer resolves a backend's MAC per server, and two names
    // for one host would split its counters. NetScaler refuses it too.
    private void addServer(Statement s, ServerConfig server) throws ConfigException {
        ServerConfig sameAddress = serversByAddress.get(server.address());
        if (sameAddress != null) {
            throw s.error("address " + Ipv4.format(server.address()) + " is already server '" + sameAddress.name()
                    + "' (" + sameAddress.location() + ")");
        }
        servers.put(server.name(), server);
        serversByAddress.put(server.address(), server);
    }

    private void addService(Statement s) throws ConfigException {
        String name = name(s, "service", s.arg(0));
        ServiceConfig previous = services.get(name);
        if (previous != null) {
            throw s.error("service '" + name + "' is already defined at " + previous.location());
        }
        ServerConfig server = serverFor(s, s.arg(1));
        Protocol protocol = protocol(s, "service", s.arg(2));
        int port = s.port(s.arg(3));
        ServiceState state = s.has("state") ? state(s) : ServiceState.ENABLED;
        services.put(name, new ServiceConfig(name, server.name(), server.address(), protocol, port, state, s.at()));
    }

    /**
     * A service may name a server or give its address; NetScaler then creates a server named
     * after the address, and so does dsrlb (reusing a server that already has that address).
     */
    private ServerConfig serverFor(Statement s, String reference) throws ConfigException {
        ServerConfig server = servers.get(reference);
        if (server != null) {
            return server;
        }
        int address;
        try {
            address = Ipv4.parse(reference);
        } catch (IllegalArgumentException e) {
            throw s.error("server '" + reference + "' is not defined");
        }
        server = serversByAddress.get(address);
        if (server != null) {
            return server;
        }
        server = new ServerConfig(Ipv4.format(address), address, s.at());
        if (servers.containsKey(server.name())) {
            throw s.error("server '" + server.name() + "' ("
                    + servers.get(server.name()).location()
                    + ") has another address than its name; name the server instead of " + reference);
        }
        addServer(s, server);
        implicitServers.add(server.name());
        return server;
    }

    private void setService(Statement s) throws ConfigException {
        ServiceConfig service = service(s, s.arg(0));
        if (s.has("state")) {
            services.put(service.name(), service.withState(state(s)));
        }
    }

    private void changeState(Statement s, ServiceState state) throws ConfigException {
        ServiceConfig service = service(s, s.arg(0));
        services.put(service.name(), service.withState(state));
    }

    private void addLbVserver(Statement s) throws ConfigException {
        String name = name(s, "vserver", s.arg(0));
        VserverDraft previous = vservers.get(name);
        if (previous != null) {
            throw s.error("vserver '" + name + "' is already defined at " + previous.location);
        }
        Protocol protocol = protocol(s, "vserver", s.arg(1));
        int vip = s.address(s.arg(2));
        if (vip == 0) {
            throw s.error("vserver '" + name + "' needs an address: non-addressable vservers (0.0.0.0) "
                    + "are not supported");
        }
        int port = s.port(s.arg(3));

        PersistenceType persistence = s.has("persistenceType") ? persistence(s) : PersistenceType.NONE;
        int timeout = s.has("timeout")
                ? (int) s.number("-timeout", s.option("timeout"), 0, MAX_TIMEOUT_MINUTES)
                : VserverConfig.DEFAULT_TIMEOUT_MINUTES;
        long maxEntries = s.has("persistenceMaxEntries")
                ? s.number("-persistenceMaxEntries", s.option("persistenceMaxEntries"), 1, Integer.MAX_VALUE)
                : VserverConfig.DEFAULT_PERSISTENCE_MAX_ENTRIES;
        LbMethod method;
        if (s.has("lbMethod")) {
            method = lbMethod(s);
        } else {
            // A NetScaler export leaves the default out, so the operator may not know it changes.
            method = LbMethod.ROUNDROBIN;
            notices.note(
                    s.at(),
                    "vserver '" + name + "' has no -lbMethod: NetScaler's default is "
                            + "LEASTCONNECTION, dsrlb uses ROUNDROBIN");
        }
        if (s.has("m")) {
            if (!Statement.keyword(s.option("m")).equals("MAC")) {
                throw s.error("-m " + s.option("m") + ": dsrlb forwards in MAC mode only (-m MAC)");
            }
        } else {
            // Without -m MAC the NetScaler config was an IP-mode (NAT) one: its backends may lack
            // the VIP on loopback, and would drop what dsrlb forwards to them.
            notices.note(
                    s.at(),
                    "vserver '" + name + "' has no -m MAC: NetScaler's default is IP mode; "
                            + "dsrlb forwards in MAC mode, so the backends need the VIP on loopback");
        }

        Endpoint endpoint = new Endpoint(vip, protocol, port);
        VserverDraft sameEndpoint = vserversByEndpoint.get(endpoint);
        if (sameEndpoint != null) {
            throw s.error("vserver '" + name + "' takes " + endpoint + " like vserver '" + sameEndpoint.name + "' ("
                    + sameEndpoint.location + ")");
        }
        VserverDraft draft =
                new VserverDraft(name, protocol, vip, port, persistence, timeout, maxEntries, method, s.at());
        vservers.put(name, draft);
        vserversByEndpoint.put(endpoint, draft);
    }

    private void bindLbVserver(Statement s) throws ConfigException {
        VserverDraft vserver = vservers.get(s.arg(0));
        if (vserver == null) {
            throw s.error("vserver '" + s.arg(0) + "' is not defined");
        }
        ServiceConfig service = service(s, s.arg(1));
        for (Binding binding : vserver.bindings) {
            if (binding.service().equals(service.name())) {
                throw s.error("service '" + service.name() + "' is already bound to vserver '" + vserver.name + "' at "
                        + binding.location());
            }
        }
        if (vserver.protocol != Protocol.ANY
                && service.protocol() != Protocol.ANY
                && service.protocol() != vserver.protocol) {
            throw s.error("service '" + service.name() + "' is " + service.protocol() + " and cannot serve "
                    + vserver.protocol + " vserver '" + vserver.name + "'");
        }
        // The backend receives the client's frame unchanged, so it must listen where the client sent it.
        if (service.port() != ServiceConfig.ANY_PORT && service.port() != vserver.port) {
            throw s.error("service '" + service.name() + "' is port " + service.port() + " but vserver '"
                    + vserver.name + "' takes port " + portText(vserver.port)
                    + ": MAC mode does not rewrite ports");
        }
        int weight =
                s.has("weight") ? (int) s.number("-weight", s.option("weight"), 1, MAX_WEIGHT) : Binding.DEFAULT_WEIGHT;
        vserver.bindings.add(new Binding(service.name(), weight, s.at()));
    }

    private void addLbMonitor(Statement s) throws ConfigException {
        String name = name(s, "monitor", s.arg(0));
        MonitorConfig previous = monitors.get(name);
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
        Duration interval = seconds(s, "interval", MonitorConfig.DEFAULT_INTERVAL);
        Duration respTimeout = seconds(s, "resptimeout", MonitorConfig.DEFAULT_RESPONSE_TIMEOUT);
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
        Duration downTime = seconds(s, "downTime", MonitorConfig.DEFAULT_DOWN_TIME);
        int destPort = s.has("destPort") ? s.port(s.option("destPort")) : -1;
        int blksize = s.has("blksize") ? (int) s.number("-blksize", s.option("blksize"), 8, 65464) : 0;
        if (s.has("expectSize") && s.has("expectSha256")) {
            throw s.error("give -expectSize or -expectSha256, not both (the hash implies the size)");
        }
        long expectSize =
                s.has("expectSize") ? s.number("-expectSize", s.option("expectSize"), 0, Long.MAX_VALUE / 2) : -1;
        String sha = null;
        if (s.has("expectSha256")) {
            sha = s.option("expectSha256").toLowerCase(java.util.Locale.ROOT);
            if (!sha.matches("[0-9a-f]{64}")) {
                throw s.error("-expectSha256 needs 64 hex digits, not '" + s.option("expectSha256") + "'");
            }
        }
        monitors.put(
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

    private static Duration seconds(Statement s, String option, Duration otherwise) throws ConfigException {
        return s.has(option) ? Duration.ofSeconds(s.number("-" + option, s.option(option), 1, 20_940)) : otherwise;
    }

    private void bindService(Statement s) throws ConfigException {
        ServiceConfig service = service(s, s.arg(0));
        if (!s.has("monitorName")) {
            throw s.error("bind service needs -monitorName <monitor>");
        }
        String monitor = s.option("monitorName");
        if (!monitors.containsKey(monitor)) {
            throw s.error("monitor '" + monitor + "' is not defined");
        }
        for (MonitorBinding b : monitorBindings) {
            if (b.service().equals(service.name()) && b.monitor().equals(monitor)) {
                throw s.error("monitor '" + monitor + "' is already bound to service '" + service.name() + "' at "
                        + b.location());
            }
        }
        monitorBindings.add(new MonitorBinding(service.name(), monitor, s.at()));
    }

    private DsrConfig build() throws ConfigException {
        // A vserver address needs no 'add ns ip' (NetScaler does not ask for one either); it is
        // a /32 VIP, added after the explicit ones so that a later 'add ns ip' is no duplicate.
        Map<Integer, VipConfig> allVips = new LinkedHashMap<>(vips);
        Map<String, VserverConfig> built = new LinkedHashMap<>();
        for (VserverDraft draft : vservers.values()) {
            allVips.putIfAbsent(draft.vip, new VipConfig(draft.vip, 0xffffffff, draft.location));
            built.put(draft.name, draft.build());
        }
        for (VipConfig vip : allVips.values()) {
            ServerConfig server = serversByAddress.get(vip.address());
            if (server != null) {
                throw new ConfigException(
                        vip.location(),
                        "VIP " + Ipv4.format(vip.address())
                                + " is also the address of server '" + server.name() + "' (" + server.location()
                                + "): a backend cannot be a VIP");
            }
        }
        return new DsrConfig(
                List.copyOf(allVips.values()),
                routes,
                servers,
                services,
                built,
                monitors,
                monitorBindings,
                notices.messages());
    }

    private static String name(Statement s, String kind, String name) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw s.error("'" + name + "' is not a valid " + kind + " name: up to 127 letters, digits and"
                    + " _ # . : @ = - or spaces, starting with a letter, digit or _");
        }
        return name;
    }

    private ServiceConfig service(Statement s, String name) throws ConfigException {
        ServiceConfig service = services.get(name);
        if (service == null) {
            throw s.error("service '" + name + "' is not defined");
        }
        return service;
    }

    private static Protocol protocol(Statement s, String kind, String text) throws ConfigException {
        String type = Statement.keyword(text);
        switch (type) {
            case "ANY":
                return Protocol.ANY;
            case "UDP":
                return Protocol.UDP;
            case "TCP":
                return Protocol.TCP;
            default:
                break;
        }
        if (Dialect.PROXY_TYPES.contains(type)) {
            String hint = type.equals("TFTP")
                    ? " (for TFTP use ANY * or UDP *: clients ACK to the server's ephemeral port)"
                    : "";
            throw s.error(kind + " type " + type + " is not supported in MAC mode; use ANY, UDP or TCP" + hint);
        }
        throw s.error("'" + text + "' is not a " + kind + " type; use ANY, UDP or TCP");
    }

    private static ServiceState state(Statement s) throws ConfigException {
        String state = Statement.keyword(s.option("state"));
        switch (state) {
            case "ENABLED":
                return ServiceState.ENABLED;
            case "DISABLED":
                return ServiceState.DISABLED;
            default:
                throw s.error("bad value '" + s.option("state") + "' for -state: expected ENABLED or DISABLED");
        }
    }

    private static PersistenceType persistence(Statement s) throws ConfigException {
        String text = s.option("persistenceType");
        String type = Statement.keyword(text);
        switch (type) {
            case "SOURCEIP":
                return PersistenceType.SOURCEIP;
            case "NONE":
                return PersistenceType.NONE;
            default:
                break;
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

    private static LbMethod lbMethod(Statement s) throws ConfigException {
        String text = s.option("lbMethod");
        String method = Statement.keyword(text);
        switch (method) {
            case "ROUNDROBIN":
                return LbMethod.ROUNDROBIN;
            case "SOURCEIPHASH":
                return LbMethod.SOURCEIPHASH;
            case "LEASTTRANSFERS":
                return LbMethod.LEASTTRANSFERS;
            default:
                break;
        }
        if (Dialect.OTHER_LB_METHODS.contains(method)) {
            throw s.error(
                    "-lbMethod " + method + " is not supported (yet): use ROUNDROBIN, SOURCEIPHASH or LEASTTRANSFERS");
        }
        throw s.error("-lbMethod " + text
                + " is not a load-balancing method; use ROUNDROBIN, SOURCEIPHASH or LEASTTRANSFERS");
    }

    private static String portText(int port) {
        return port == ServiceConfig.ANY_PORT ? "*" : Integer.toString(port);
    }

    @FunctionalInterface
    private interface Handler {
        void apply(Statement statement) throws ConfigException;
    }

    private record Command(CommandSpec spec, Handler handler) {}

    /** What a vserver listens on; two vservers may not take the same one. */
    private record Endpoint(int vip, Protocol protocol, int port) {
        @Override
        public String toString() {
            return Ipv4.format(vip) + " " + protocol + " " + portText(port);
        }
    }

    /** A vserver whose bindings are still being read. */
    private static final class VserverDraft {
        final String name;
        final Protocol protocol;
        final int vip;
        final int port;
        final PersistenceType persistence;
        final int timeoutMinutes;
        final long persistenceMaxEntries;
        final LbMethod method;
        final SourceLocation location;
        final List<Binding> bindings = new ArrayList<>();

        VserverDraft(
                String name,
                Protocol protocol,
                int vip,
                int port,
                PersistenceType persistence,
                int timeoutMinutes,
                long persistenceMaxEntries,
                LbMethod method,
                SourceLocation location) {
            this.name = name;
            this.protocol = protocol;
            this.vip = vip;
            this.port = port;
            this.persistence = persistence;
            this.timeoutMinutes = timeoutMinutes;
            this.persistenceMaxEntries = persistenceMaxEntries;
            this.method = method;
            this.location = location;
        }

        VserverConfig build() {
            return new VserverConfig(
                    name,
                    protocol,
                    vip,
                    port,
                    persistence,
                    timeoutMinutes,
                    persistenceMaxEntries,
                    method,
                    bindings,
                    location);
        }
    }
}
