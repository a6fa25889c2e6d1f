package dsrlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {
    private static final Path SEED = Path.of("examples/seed.conf");

    /** Four lines every error case builds on; an appended line is line 5. */
    private static final String BASE = """
                                       add ns ip 10.0.0.20 255.255.255.255 -type VIP
                                       add server s1 10.0.0.30
                                       add service svc1 s1 ANY *
                                       add lb vserver vs ANY 10.0.0.20 * -m MAC -lbMethod ROUNDROBIN
                                       """;

    private static final Pattern NOTICE_OPTION = Pattern.compile("^[^:]+:\\d+: -(\\w+) ");

    private static DsrConfig parse(String text) throws ConfigException {
        return ConfigParser.parse("t.conf", text);
    }

    private static int ip(String text) {
        return Ipv4.parse(text);
    }

    private static IpAddress addr(String text) {
        return IpAddress.parse(text);
    }

    /** The option names of the "accepted" notices, in order. */
    private static List<String> noticedOptions(DsrConfig config) {
        return config.notices().stream()
                .map(NOTICE_OPTION::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .collect(Collectors.toList());
    }

    // ---- the seed -------------------------------------------------------------------------

    @Test
    void seedLoadsVerbatim() throws Exception {
        DsrConfig config = ConfigParser.load(SEED);

        assertEquals(1, config.vips().size());
        VipConfig vip = config.vips().get(0);
        assertEquals(addr("198.51.100.20"), vip.address());
        assertEquals(32, vip.prefixLength());
        assertEquals(6, vip.location().line());

        assertEquals(1, config.routes().size());
        RouteConfig route = config.routes().get(0);
        assertEquals(ip("192.0.2.0"), route.network());
        assertEquals(ip("255.255.255.0"), route.mask());
        assertEquals(ip("198.51.100.1"), route.gateway());

        assertEquals(
                List.of("198.51.100.30", "198.51.100.31"),
                List.copyOf(config.servers().keySet()));
        assertEquals(
                addr("198.51.100.31"), config.servers().get("198.51.100.31").address());

        assertEquals(List.of("tftp1", "tftp2"), List.copyOf(config.services().keySet()));
        ServiceConfig tftp1 = config.services().get("tftp1");
        assertEquals("198.51.100.30", tftp1.server());
        assertEquals(addr("198.51.100.30"), tftp1.address());
        assertEquals(Protocol.ANY, tftp1.protocol());
        assertEquals(ServiceConfig.ANY_PORT, tftp1.port());
        assertEquals(ServiceState.ENABLED, tftp1.state());
        assertEquals(new SourceLocation(SEED.toString(), 10), tftp1.location());
        ServiceConfig tftp2 = config.services().get("tftp2");
        assertEquals(addr("198.51.100.31"), tftp2.address());
        assertEquals(ServiceConfig.ANY_PORT, tftp2.port());

        assertEquals(List.of("tftp"), List.copyOf(config.vservers().keySet()));
        VserverConfig tftp = config.vservers().get("tftp");
        assertEquals(Protocol.ANY, tftp.protocol());
        assertEquals(addr("198.51.100.20"), tftp.vip());
        assertEquals(ServiceConfig.ANY_PORT, tftp.port());
        assertEquals(PersistenceType.SOURCEIP, tftp.persistence());
        assertEquals(100, tftp.timeoutMinutes());
        assertEquals(LbMethod.ROUNDROBIN, tftp.method());
        assertEquals(VserverConfig.DEFAULT_PERSISTENCE_MAX_ENTRIES, tftp.persistenceMaxEntries());
        assertEquals(
                List.of("tftp1", "tftp2"),
                tftp.bindings().stream().map(Binding::service).toList());
        assertEquals(
                List.of(1, 1), tftp.bindings().stream().map(Binding::weight).toList());
        assertEquals(
                List.of(13, 14),
                tftp.bindings().stream().map(b -> b.location().line()).toList());
    }

    @Test
    void seedReportsEveryIgnoredOptionExactlyOnceInFileOrder() throws Exception {
        DsrConfig config = ConfigParser.parse("seed.conf", Files.readString(SEED));

        // -gslb ... -CMP are on both service lines and -cltTimeout also on the vserver: once each.
        assertEquals(
                List.of(
                        "gslb",
                        "maxClient",
                        "maxReq",
                        "cip",
                        "usip",
                        "useproxyport",
                        "sp",
                        "cltTimeout",
                        "svrTimeout",
                        "CKA",
                        "TCPB",
                        "CMP",
                        "connfailover"),
                noticedOptions(config));
        assertEquals(13, config.notices().size(), config.notices()::toString);
        assertEquals(
                "seed.conf:10: -gslb NONE accepted; it has no meaning in MAC-mode forwarding (reported once)",
                config.notices().get(0));
        assertEquals(
                "seed.conf:12: -connfailover STATELESS accepted; it has no meaning in MAC-mode forwarding"
                        + " (reported once)",
                config.notices().get(12));
    }

    @Test
    void loadNamesTheFileAsGiven(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "# a comment\nadd server s1 10.0.0.300\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.load(file));
        assertEquals(file + ":2: not an IPv4 address: '10.0.0.300'", e.getMessage());
        assertEquals(new SourceLocation(file.toString(), 2), e.location());

        assertThrows(NoSuchFileException.class, () -> ConfigParser.load(dir.resolve("missing.conf")));
    }

    @Test
    void monitorsWithDefaultsAndOptionsAndTheirBindings() throws Exception {
        DsrConfig config = parse(BASE + """
                  add lb monitor pxe TFTP -file ARDBP32.BIN
                  add lb monitor big tftp -file m5.bin -interval 10 -resptimeout 3 -retries 2 -successRetries 2 -downTime 20 -destPort 6969 -blksize 1428 -expectSize 5242880 -units3 SEC
                  bind service svc1 -monitorName pxe
                  bind service svc1 -monitorName big
                  """ + "\n");
        MonitorConfig pxe = config.monitors().get("pxe");
        assertEquals("ARDBP32.BIN", pxe.file());
        assertEquals(Duration.ofSeconds(5), pxe.interval());
        assertEquals(Duration.ofSeconds(2), pxe.responseTimeout());
        assertEquals(3, pxe.retries());
        assertEquals(1, pxe.successRetries());
        assertEquals(Duration.ofSeconds(30), pxe.downTime());
        assertEquals(-1, pxe.destPort());
        assertEquals(0, pxe.blksize());
        assertEquals(-1, pxe.expectSize());
        MonitorConfig big = config.monitors().get("big");
        assertEquals(Duration.ofSeconds(10), big.interval());
        assertEquals(Duration.ofSeconds(3), big.responseTimeout());
        assertEquals(2, big.retries());
        assertEquals(2, big.successRetries());
        assertEquals(Duration.ofSeconds(20), big.downTime());
        assertEquals(6969, big.destPort());
        assertEquals(1428, big.blksize());
        assertEquals(5242880, big.expectSize());
        assertEquals(
                List.of("pxe", "big"),
                config.monitorBindings().stream().map(MonitorBinding::monitor).toList());
        assertEquals(
                List.of("svc1", "svc1"),
                config.monitorBindings().stream().map(MonitorBinding::service).toList());
    }

    // ---- errors ---------------------------------------------------------------------------

    static Stream<Arguments> errors() {
        return Stream.of(
                // commands
                error("frobnicate the thing now", 5, "unknown command 'frobnicate the thing ...'"),
                error("add serviceGroup g ANY", 5, "unknown command 'add serviceGroup g ...'"),
                // monitors
                error("add lb monitor m PING", 5, "monitor type PING is not supported; use TFTP"),
                error("add lb monitor m TFTP", 5, "a TFTP monitor needs -file <path>"),
                error(
                        "add lb monitor m TFTP -file x -interval 2 -resptimeout 2",
                        5,
                        "-resptimeout 2 must be less than -interval 2"),
                error("add lb monitor m TFTP -file x -expectSha256 abc", 5, "-expectSha256 needs 64 hex digits"),
                error(
                        "add lb monitor m TFTP -file x -expectSize 1 -expectSha256 " + "0".repeat(64),
                        5,
                        "give -expectSize or -expectSha256, not both"),
                error("add lb monitor m TFTP -file x -units3 MSEC", 5, "bad value 'MSEC' for -units3"),
                error("bind service svc1 -monitorName m", 5, "monitor 'm' is not defined"),
                error("add lb monitor m TFTP -file x\nbind service svc1", 6, "bind service needs -monitorName"),
                error(
                        "add lb monitor m TFTP -file x\nbind service nope -monitorName m",
                        6,
                        "service 'nope' is not defined"),
                // tokens
                error("add server \"s2 10.0.0.31", 5, "unterminated quoted string"),
                error("add server \"s2\"x 10.0.0.31", 5, "a space must follow the closing quote"),
                // shape of a line
                error("add server s2", 5, "missing <ip>; usage: add server <name> <ip>"),
                error("add ns ip 10.0.0.21 -type VIP", 5, "missing <netmask>"),
                error("add server s2 10.0.0.31 extra", 5, "unexpected 'extra' in 'add server'"),
                error("add service svc2 s1 ANY * -foo 1", 5, "unknown option -foo for 'add service'"),
                error("add service svc2 s1 ANY * -FOO 1", 5, "unknown option -FOO for 'add service'"),
                error(
                        "add lb vserver v2 ANY 10.0.0.21 * -backupVServer vs",
                        5,
                        "option -backupVServer of 'add lb vserver' is not supported by dsrlb"),
                error("add service svc2 s1 ANY * -usip", 5, "option -usip needs a value"),
                error("add service svc2 s1 ANY * -usip -sp OFF", 5, "option -usip needs a value"),
                error("add lb vserver v2 ANY 10.0.0.21 * -timeout", 5, "option -timeout needs a value"),
                error("add lb vserver v2 ANY 10.0.0.21 * -timeout 1 -TIMEOUT 2", 5, "option -timeout is given twice"),
                error("add service svc2 s1 ANY * -usip MAYBE", 5, "bad value 'MAYBE' for -usip: expected YES or NO"),
                error(
                        "add service svc2 s1 ANY * -maxClient lots",
                        5,
                        "bad value 'lots' for -maxClient: expected a number"),
                error("disable service svc1 -graceful PERHAPS", 5, "bad value 'PERHAPS' for -graceful"),
                // add ns ip
                error("add ns ip 10.0.0.21 255.0.255.0 -type VIP", 5, "'255.0.255.0' is not a contiguous netmask"),
                error("add ns ip 10.0.0.21 255.255.255.0 -type SNIP", 5, "only -type VIP is supported here"),
                error("add ns ip 10.0.0.21 255.255.255.0", 5, "missing -type VIP"),
                error("add ns ip 10.0.0.20 255.255.255.0 -type VIP", 5, "ns ip 10.0.0.20 is already added at t.conf:1"),
                error(
                        "add ns ip 10.0.0.21 255.255.255.255 -type VIP -arp SOMETIMES",
                        5,
                        "bad value 'SOMETIMES' for -arp: expected ENABLED or DISABLED"),
                // add route
                error(
                        "add route 192.0.2.1 255.255.255.0 10.0.0.1",
                        5,
                        "route network 192.0.2.1 has host bits set outside netmask 255.255.255.0"),
                error("add route 192.0.2.0 255.255.0.255 10.0.0.1", 5, "'255.255.0.255' is not a contiguous netmask"),
                error("add route 192.0.2.0 255.255.255.0 10.0.0", 5, "not an IPv4 address: '10.0.0'"),
                error(
                        "add route 192.0.2.0 255.255.255.0 10.0.0.1\nadd route 192.0.2.0 255.255.255.0 10.0.0.1",
                        6,
                        "route 192.0.2.0 255.255.255.0 10.0.0.1 is already added at t.conf:5"),
                // add server
                error("add server s2 10.0.0.256", 5, "not an IPv4 address: '10.0.0.256'"),
                error("add server s1 10.0.0.40", 5, "server 's1' is already defined at t.conf:2"),
                error("add server s2 10.0.0.30", 5, "address 10.0.0.30 is already server 's1' (t.conf:2)"),
                error("add server \"bad/name\" 10.0.0.40", 5, "'bad/name' is not a valid server name"),
                error(
                        "add service svc2 10.0.0.50 ANY *\nadd server 10.0.0.50 10.0.0.50",
                        6,
                        "server '10.0.0.50' is already defined at t.conf:5 (implicitly, by 'add service')"),
                // add service
                error("add service svc1 s1 ANY *", 5, "service 'svc1' is already defined at t.conf:3"),
                error("add service svc2 nosuch ANY *", 5, "server 'nosuch' is not defined"),
                error("add service svc2 S1 ANY *", 5, "server 'S1' is not defined"),
                error(
                        "add service svc2 s1 HTTP 80",
                        5,
                        "service type HTTP is not supported in MAC mode; use ANY, UDP or TCP"),
                error(
                        "add service svc2 s1 tftp 69",
                        5,
                        "service type TFTP is not supported in MAC mode;"
                                + " use ANY, UDP or TCP (for TFTP use ANY * or UDP *"),
                error("add service svc2 s1 69 ANY", 5, "'69' is not a service type; use ANY, UDP or TCP"),
                error("add service svc2 s1 UDP 0", 5, "port 0 is out of range 1..65535"),
                error("add service svc2 s1 UDP 65536", 5, "port 65536 is out of range 1..65535"),
                error("add service svc2 s1 UDP tftp", 5, "port 'tftp' is not a number"),
                error(
                        "add service svc2 s1 UDP * -state PAUSED",
                        5,
                        "bad value 'PAUSED' for -state: expected ENABLED or DISABLED"),
                // add lb vserver
                error(
                        "add lb vserver v2 SSL 10.0.0.21 443",
                        5,
                        "vserver type SSL is not supported in MAC mode; use ANY, UDP or TCP"),
                error("add lb vserver vs ANY 10.0.0.21 *", 5, "vserver 'vs' is already defined at t.conf:4"),
                error(
                        "add lb vserver vs2 any 10.0.0.20 *",
                        5,
                        "vserver 'vs2' takes 10.0.0.20 ANY * like vserver 'vs' (t.conf:4)"),
                error("add lb vserver v2 ANY 0.0.0.0 *", 5, "non-addressable vservers (0.0.0.0) are not supported"),
                error(
                        "add lb vserver v2 ANY 10.0.0.21 * -persistenceType COOKIEINSERT",
                        5,
                        "-persistenceType COOKIEINSERT is not possible in MAC mode"),
                error(
                        "add lb vserver v2 ANY 10.0.0.21 * -persistenceType DESTIP",
                        5,
                        "-persistenceType DESTIP is not supported (yet); use SOURCEIP or NONE"),
                error(
                        "add lb vserver v2 ANY 10.0.0.21 * -persistenceType STICKY",
                        5,
                        "-persistenceType STICKY is not a persistence type"),
                error("add lb vserver v2 ANY 10.0.0.21 * -timeout 1441", 5, "-timeout 1441 is out of range 0..1440"),
                error("add lb vserver v2 ANY 10.0.0.21 * -timeout 5m", 5, "-timeout '5m' is not a number"),
                error("add lb vserver v2 ANY 10.0.0.21 * -timeout -1", 5, "-timeout '-1' is not a number"),
                error(
                        "add lb vserver v2 ANY 10.0.0.21 * -lbMethod LEASTCONNECTION",
                        5,
                        "-lbMethod LEASTCONNECTION is not supported (yet): use ROUNDROBIN, SOURCEIPHASH or LEASTTRANSFERS"),
                error(
                        "add lb vserver v2 ANY 10.0.0.21 * -lbMethod RANDOM",
                        5,
                        "-lbMethod RANDOM is not a load-balancing method"),
                error("add lb vserver v2 ANY 10.0.0.21 * -m IP", 5, "dsrlb forwards in MAC mode only (-m MAC)"),
                error(
                        "add lb vserver v2 ANY 10.0.0.21 * -persistenceMaxEntries 0",
                        5,
                        "-persistenceMaxEntries 0 is out of range 1..2147483647"),
                error(
                        "add lb vserver v2 ANY 10.0.0.30 * -m MAC",
                        5,
                        "VIP 10.0.0.30 is also the address of server 's1' (t.conf:2): a backend cannot be a VIP"),
                // bind lb vserver
                error("bind lb vserver nope svc1", 5, "vserver 'nope' is not defined"),
                error("bind lb vserver VS svc1", 5, "vserver 'VS' is not defined"),
                error("bind lb vserver vs nope", 5, "service 'nope' is not defined"),
                error(
                        "bind lb vserver vs svc1\nbind lb vserver vs svc1",
                        6,
                        "service 'svc1' is already bound to vserver 'vs' at t.conf:5"),
                error("bind lb vserver vs svc1 -weight 0", 5, "-weight 0 is out of range 1..100"),
                error("bind lb vserver vs svc1 -weight 101", 5, "-weight 101 is out of range 1..100"),
                error("bind lb vserver vs svc1 -policyName p", 5, "option -policyName of 'bind lb vserver'"),
                error(
                        "add service svc2 s1 TCP *\nadd lb vserver u UDP 10.0.0.21 *\nbind lb vserver u svc2",
                        7,
                        "service 'svc2' is TCP and cannot serve UDP vserver 'u'"),
                error(
                        "add service svc2 s1 UDP 69\nbind lb vserver vs svc2",
                        6,
                        "service 'svc2' is port 69 but vserver 'vs' takes port *: MAC mode does not rewrite ports"),
                // set / enable / disable service
                error("set service nope -state DISABLED", 5, "service 'nope' is not defined"),
                error("enable service nope", 5, "service 'nope' is not defined"),
                error("disable service nope", 5, "service 'nope' is not defined"),
                error("disable service svc1 -delay soon", 5, "bad value 'soon' for -delay: expected a number"),
                error("add ns ip6 ::ffff:192.0.2.1 -type VIP", 5, "IPv4-mapped"),
                error("add ns ip6 192.0.2.1 -type VIP", 5, "is an IPv4 address"),
                error("add ns ip6 ff02::1 -type VIP", 5, "multicast, link-local"),
                error("add ns ip6 fe80::1/64 -type VIP", 5, "multicast, link-local"),
                error("add ns ip6 2001:db8::20/129 -type VIP", 5, "prefix length"),
                error(
                        "add ns ip6 2001:db8::20 -type VIP -vlan 100",
                        5,
                        "-vlan 100: VIP 2001:db8::20 lies in no VLAN's subnet"),
                error("add ns ip6 2001:db8::20", 5, "missing -type VIP"),
                error(
                        "add server s6 2001:db8::30\nadd service q6 s6 ANY *\nbind lb vserver vs q6",
                        7,
                        "different IP versions"),
                error("add service s6 2001:db8::30 ANY *\nbind lb vserver vs s6", 6, "different IP versions"),
                error("add server s6 2001:db8::30\nadd server s7 2001:DB8:0::30", 6, "is already server 's6'"));
    }

    @Test
    void ipv6VipsServersAndVserversLoadNextToIpv4Ones() throws Exception {
        DsrConfig config = parse("""
                                 add ns ip 10.0.0.20 255.255.255.255 -type VIP
                                 add ns ip6 2001:db8:2::20/64 -type VIP -nd ENABLED
                                 add server t1 2001:db8:2::30
                                 add service s1 t1 ANY *
                                 add service s2 2001:db8:2::31 ANY *
                                 add lb vserver v6 ANY 2001:DB8:2:0::20 * -persistenceType SOURCEIP -lbMethod ROUNDROBIN -m MAC
                                 bind lb vserver v6 s1
                                 bind lb vserver v6 s2                                 """);
        assertEquals(
                List.of(
                        new VipConfig(addr("10.0.0.20"), 32, new SourceLocation("t.conf", 1)),
                        new VipConfig(addr("2001:db8:2::20"), 64, new SourceLocation("t.conf", 2))),
                config.vips());
        assertEquals(addr("2001:db8:2::20"), config.vservers().get("v6").vip());
        assertEquals(addr("2001:db8:2::31"), config.services().get("s2").address());
        assertEquals("2001:db8:2::31", config.services().get("s2").server());
        assertEquals(0, config.tagOf(addr("2001:db8:2::30")));
    }

    private static Arguments error(String appended, int line, String fragment) {
        return Arguments.of(appended, line, fragment);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("errors")
    void rejects(String appended, int line, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(BASE + appended + "\n"));
        String prefix = "t.conf:" + line + ": ";
        assertTrue(e.getMessage().startsWith(prefix), () -> "expected prefix " + prefix + " in " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in " + e.getMessage());
        assertEquals(new SourceLocation("t.conf", line), e.location());
    }

    @Test
    void baseOfTheErrorCasesIsValid() throws Exception {
        DsrConfig config = parse(BASE);
        assertEquals(List.of("vs"), List.copyOf(config.vservers().keySet()));
        assertTrue(config.vservers().get("vs").bindings().isEmpty(), "a vserver without services is fine");
    }

    // ---- lexical ----------------------------------------------------------------------------

    @Test
    void keywordsOptionNamesAndValuesIgnoreCase() throws Exception {
        DsrConfig config = parse("""
                                 ADD NS IP 10.0.0.20 255.255.255.0 -TYPE vip
                                 Add Server s1 10.0.0.30
                                 add SERVICE svc1 s1 udp 69 -STATE disabled -UsIp yes
                                 add lb VSERVER vs Udp 10.0.0.20 69 -PERSISTENCETYPE sourceip -TimeOut 5 -lbmethod SourceIpHash -M mac
                                 BIND LB VSERVER vs svc1 -WEIGHT 3
                                 ENABLE service svc1\
                                 """);
        VserverConfig vs = config.vservers().get("vs");
        assertEquals(Protocol.UDP, vs.protocol());
        assertEquals(69, vs.port());
        assertEquals(PersistenceType.SOURCEIP, vs.persistence());
        assertEquals(5, vs.timeoutMinutes());
        assertEquals(LbMethod.SOURCEIPHASH, vs.method());
        assertEquals(List.of(new Binding("svc1", 3, new SourceLocation("t.conf", 5))), vs.bindings());
        assertEquals(ServiceState.ENABLED, config.services().get("svc1").state());
        assertEquals(24, config.vips().get(0).prefixLength());
        assertEquals(List.of("usip"), noticedOptions(config));
    }

    @Test
    void namesAreCaseSensitive() throws Exception {
        DsrConfig config = parse("""
                                 add server web 10.0.0.30
                                 add server Web 10.0.0.31
                                 add service a web ANY *
                                 add service A Web ANY *\
                                 """);
        assertEquals(addr("10.0.0.30"), config.services().get("a").address());
        assertEquals(addr("10.0.0.31"), config.services().get("A").address());
    }

    @Test
    // The CR LF line ends, the tab-only line and the BOM are what this test is about: a text
    // block would hide them behind escapes.
    @SuppressWarnings("StringConcatToTextBlock")
    void commentsBlankLinesCrLfAndBom() throws Exception {
        String text = "\uFEFF# header\r\n"
                + "\r\n"
                + "   # indented comment\r\n"
                + "\t\r\n"
                + "add server s1 10.0.0.30   # trailing comment -foo bar\r\n"
                + "add service svc1 s1 ANY *\r\n";
        DsrConfig config = parse(text);
        assertEquals(new SourceLocation("t.conf", 5), config.servers().get("s1").location());
        assertEquals(
                new SourceLocation("t.conf", 6), config.services().get("svc1").location());
        assertTrue(config.notices().isEmpty());
        assertTrue(parse("").services().isEmpty());
    }

    @Test
    void quotedTokens() throws Exception {
        DsrConfig config = parse("""
                                 add server "web server 1" 10.0.0.30 -comment "the \\"first\\" one # not a comment"
                                 add service "svc #1" "web server 1" ANY * -comment "-x"
                                 add lb vserver vs ANY 10.0.0.20 * -m MAC -lbMethod ROUNDROBIN
                                 bind lb vserver vs "svc #1"\
                                 """);
        assertEquals(addr("10.0.0.30"), config.servers().get("web server 1").address());
        assertEquals("web server 1", config.services().get("svc #1").server());
        assertEquals("svc #1", config.vservers().get("vs").bindings().get(0).service());
        assertEquals(
                List.of("t.conf:1: -comment \"the \\\"first\\\" one # not a comment\" accepted; "
                        + "it has no meaning in MAC-mode forwarding (reported once)"),
                config.notices());
    }

    // ---- semantics ------------------------------------------------------------------------

    @Test
    void serviceByAddressCreatesOrReusesTheServer() throws Exception {
        DsrConfig config = parse("""
                                 add server s1 10.0.0.30
                                 add service a 10.0.0.50 UDP 69
                                 add service b 10.0.0.50 TCP 69
                                 add service c 10.0.0.30 ANY *\
                                 """);
        assertEquals(List.of("s1", "10.0.0.50"), List.copyOf(config.servers().keySet()));
        ServerConfig implicit = config.servers().get("10.0.0.50");
        assertEquals(addr("10.0.0.50"), implicit.address());
        assertEquals(new SourceLocation("t.conf", 2), implicit.location());
        assertEquals("10.0.0.50", config.services().get("b").server());
        assertEquals("s1", config.services().get("c").server(), "an address that a server has means that server");
        assertEquals(addr("10.0.0.30"), config.services().get("c").address());
    }

    @Test
    void serviceStateChanges() throws Exception {
        DsrConfig config = parse("""
                                 add server s1 10.0.0.30
                                 add service a s1 ANY * -state DISABLED
                                 add service b s1 UDP *
                                 add service c s1 TCP *
                                 add service d s1 ANY 69
                                 disable service b -graceful YES -delay 30
                                 set service c -state DISABLED -comment "maintenance"
                                 disable service d
                                 enable service d\
                                 """);
        assertEquals(ServiceState.DISABLED, config.services().get("a").state());
        assertEquals(ServiceState.DISABLED, config.services().get("b").state());
        assertEquals(ServiceState.DISABLED, config.services().get("c").state());
        assertEquals(ServiceState.ENABLED, config.services().get("d").state());
        assertEquals(
                new SourceLocation("t.conf", 3),
                config.services().get("b").location(),
                "the service keeps the line that defined it");
        assertEquals(
                List.of(
                        "t.conf:6: -graceful YES accepted; it only matters at run time (admin drain) (reported once)",
                        "t.conf:6: -delay 30 accepted; it only matters at run time (admin drain) (reported once)",
                        "t.conf:7: -comment \"maintenance\" accepted; it has no meaning in MAC-mode forwarding"
                                + " (reported once)"),
                config.notices());
    }

    @Test
    void vserverAddressIsAnImplicitVip() throws Exception {
        DsrConfig config = parse("""
                                 add lb vserver a ANY 10.0.0.21 * -m MAC -lbMethod ROUNDROBIN
                                 add lb vserver b UDP 10.0.0.22 69 -m MAC -lbMethod ROUNDROBIN
                                 add lb vserver c TCP 10.0.0.22 69 -m MAC -lbMethod ROUNDROBIN
                                 add ns ip 10.0.0.21 255.255.255.0 -type VIP\
                                 """);
        assertEquals(
                List.of(
                        new VipConfig(addr("10.0.0.21"), 24, new SourceLocation("t.conf", 4)),
                        new VipConfig(addr("10.0.0.22"), 32, new SourceLocation("t.conf", 2))),
                config.vips());
    }

    @Test
    void vserverDefaultsAndTheNoticesAboutNetScalerDefaults() throws Exception {
        DsrConfig config = parse("add lb vserver vs TCP 10.0.0.20 8080\n");
        VserverConfig vs = config.vservers().get("vs");
        assertEquals(PersistenceType.NONE, vs.persistence());
        assertEquals(VserverConfig.DEFAULT_TIMEOUT_MINUTES, vs.timeoutMinutes());
        assertEquals(VserverConfig.DEFAULT_PERSISTENCE_MAX_ENTRIES, vs.persistenceMaxEntries());
        assertEquals(LbMethod.ROUNDROBIN, vs.method());
        assertEquals(2, config.notices().size());
        assertTrue(
                config.notices()
                        .get(0)
                        .startsWith("t.conf:1: vserver 'vs' has no -lbMethod: NetScaler's default"
                                + " is LEASTCONNECTION, dsrlb uses ROUNDROBIN"),
                config.notices()::toString);
        assertTrue(
                config.notices().get(1).startsWith("t.conf:1: vserver 'vs' has no -m MAC"), config.notices()::toString);
    }

    @Test
    void vserverOptionsWithMeaning() throws Exception {
        DsrConfig config = parse("""
                                 add server s1 10.0.0.30
                                 add server s2 10.0.0.31
                                 add service a s1 UDP 69
                                 add service b s2 ANY *
                                 add lb vserver vs UDP 10.0.0.20 69 -persistenceType NONE -timeout 0 -lbMethod SOURCEIPHASH -m MAC -persistenceMaxEntries 5000
                                 bind lb vserver vs b -weight 100
                                 bind lb vserver vs a\
                                 """);
        VserverConfig vs = config.vservers().get("vs");
        assertEquals(PersistenceType.NONE, vs.persistence());
        assertEquals(0, vs.timeoutMinutes());
        assertEquals(5000, vs.persistenceMaxEntries());
        assertEquals(LbMethod.SOURCEIPHASH, vs.method());
        assertEquals(
                List.of(
                        new Binding("b", 100, new SourceLocation("t.conf", 6)),
                        new Binding("a", 1, new SourceLocation("t.conf", 7))),
                vs.bindings());
        assertTrue(config.notices().isEmpty(), config.notices()::toString);
    }

    @Test
    void ignoredOptionsAreReportedOncePerNameAcrossCommands() throws Exception {
        DsrConfig config = parse("""
                                 add ns ip 10.0.0.20 255.255.255.255 -type VIP -td 0 -arp ENABLED
                                 add route 0.0.0.0 0.0.0.0 10.0.0.1 -td 0 -distance 1
                                 add server s1 10.0.0.30 -td 0 -state DISABLED
                                 add service a s1 ANY * -TD 0 -cltTimeout 120
                                 add lb vserver vs ANY 10.0.0.20 * -m MAC -lbMethod ROUNDROBIN -cltTimeout 180 -state ENABLED\
                                 """);
        assertEquals(List.of("td", "arp", "distance", "state", "cltTimeout"), noticedOptions(config));
        assertEquals(
                "t.conf:3: -state DISABLED accepted; dsrlb keeps the state on services, use 'disable service'"
                        + " to take one out (reported once)",
                config.notices().get(3));
        assertEquals(
                ServiceState.ENABLED,
                config.services().get("a").state(),
                "-state on a server does not disable its services");
    }

    @Test
    void vserversMayShareAVipOnOtherProtocolsOrPorts() throws Exception {
        DsrConfig config = parse("""
                                 add lb vserver a ANY 10.0.0.20 * -m MAC -lbMethod ROUNDROBIN
                                 add lb vserver b UDP 10.0.0.20 * -m MAC -lbMethod ROUNDROBIN
                                 add lb vserver c UDP 10.0.0.20 69 -m MAC -lbMethod ROUNDROBIN\
                                 """);
        assertEquals(3, config.vservers().size());
        assertEquals(1, config.vips().size());
    }

    @Test
    void anyServiceServesEveryVserverTypeAndAnyVserverEveryService() throws Exception {
        DsrConfig config = parse("""
                                 add server s1 10.0.0.30
                                 add service any s1 ANY *
                                 add service udp s1 UDP *
                                 add lb vserver u UDP 10.0.0.20 69 -m MAC -lbMethod ROUNDROBIN
                                 add lb vserver all ANY 10.0.0.21 * -m MAC -lbMethod ROUNDROBIN
                                 bind lb vserver u any
                                 bind lb vserver u udp
                                 bind lb vserver all udp\
                                 """);
        assertEquals(2, config.vservers().get("u").bindings().size());
        assertEquals(1, config.vservers().get("all").bindings().size());
    }

    @Test
    void resultIsImmutable() throws Exception {
        DsrConfig config = ConfigParser.load(SEED);
        assertThrows(
                UnsupportedOperationException.class, () -> config.services().remove("tftp1"));
        assertThrows(UnsupportedOperationException.class, () -> config.notices().clear());
        assertThrows(
                UnsupportedOperationException.class,
                () -> config.vservers().get("tftp").bindings().clear());
        assertFalse(config.vips().isEmpty());
    }

    @Test
    void errorStopsAtTheFirstProblem() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> parse("add server s1 10.0.0.30\nadd server s1 10.0.0.31\nadd nonsense\n"));
        assertEquals("t.conf:2: server 's1' is already defined at t.conf:1", e.getMessage());
    }

    @Test
    void seedFileIsReadFromTheProjectDirectory() throws IOException {
        assertTrue(Files.readString(SEED).contains("bind lb vserver tftp tftp2"));
    }
}
