package dsrlb.config;

import static dsrlb.config.CommandSpec.Check.ENABLED_DISABLED;
import static dsrlb.config.CommandSpec.Check.ON_OFF;
import static dsrlb.config.CommandSpec.Check.TEXT;
import static dsrlb.config.CommandSpec.Check.UINT;
import static dsrlb.config.CommandSpec.Check.YES_NO;
import static dsrlb.config.CommandSpec.Check.oneOf;
import static dsrlb.config.CommandSpec.command;

import java.util.List;
import java.util.Set;

/**
 * The NetScaler CLI subset dsrlb reads. The tables of ignored options list what an exported
 * ns.conf commonly carries for these commands, so that a NetScaler config loads as it is;
 * options that would change the traffic (backup vservers, listen policies, spillover…) are
 * not in them and stop the load instead.
 */
final class Dialect {
    private Dialect() {}

    static final CommandSpec ADD_NS_IP = command("add ns ip", "<ip>", "<netmask>")
            .option("type")
            .ignore("arp", ENABLED_DISABLED)
            .ignore("icmp", ENABLED_DISABLED)
            .ignore("vServer", ENABLED_DISABLED)
            .ignore("telnet", ENABLED_DISABLED)
            .ignore("ftp", ENABLED_DISABLED)
            .ignore("gui", oneOf("ENABLED", "SECUREONLY", "DISABLED"))
            .ignore("ssh", ENABLED_DISABLED)
            .ignore("snmp", ENABLED_DISABLED)
            .ignore("mgmtAccess", ENABLED_DISABLED)
            .ignore("restrictAccess", ENABLED_DISABLED)
            .ignore("dynamicRouting", ENABLED_DISABLED)
            .ignore("decrementTTL", ENABLED_DISABLED)
            .ignore("hostRoute", ENABLED_DISABLED)
            .ignore("advertiseOnDefaultPartition", ENABLED_DISABLED)
            .ignore("networkroute", ENABLED_DISABLED)
            .ignore("tag", UINT)
            .ignore("hostRtGw", TEXT)
            .ignore("metric", TEXT)
            .ignore("vserverRHILevel", TEXT)
            .ignore("vserverRHIMode", TEXT)
            .ignore("ospfLSAType", TEXT)
            .ignore("ospfArea", UINT)
            .ignore("vrID", UINT)
            .ignore("icmpResponse", TEXT)
            .ignore("arpResponse", TEXT)
            .ignore("ownerNode", UINT)
            .ignore("arpOwner", UINT)
            .ignore("ownerDownResponse", YES_NO)
            .ignore("mptcpAdvertise", YES_NO)
            .ignore("td", UINT)
            .ignore("state", ENABLED_DISABLED)
            .build();

    /**
     * {@code add ns ip6 <address>[/<prefix>]}: NetScaler writes the prefix into the address.
     * {@code -vlan <id>} names the VLAN the VIP6 is on; the VLAN's IPv6 subnet ({@code bind vlan
     * -IPAddress <ip6>/<prefix>}) must hold it, so the subnets stay the one place that decides.
     */
    static final CommandSpec ADD_NS_IP6 = command("add ns ip6", "<ip6>")
            .option("type")
            .option("vlan")
            .ignore("scope", oneOf("global", "link-local"))
            .ignore("nd", ENABLED_DISABLED)
            .ignore("icmp", ENABLED_DISABLED)
            .ignore("vServer", ENABLED_DISABLED)
            .ignore("telnet", ENABLED_DISABLED)
            .ignore("ftp", ENABLED_DISABLED)
            .ignore("gui", oneOf("ENABLED", "SECUREONLY", "DISABLED"))
            .ignore("ssh", ENABLED_DISABLED)
            .ignore("snmp", ENABLED_DISABLED)
            .ignore("mgmtAccess", ENABLED_DISABLED)
            .ignore("restrictAccess", ENABLED_DISABLED)
            .ignore("dynamicRouting", ENABLED_DISABLED)
            .ignore("hostRoute", ENABLED_DISABLED)
            .ignore("advertiseOnDefaultPartition", ENABLED_DISABLED)
            .ignore("networkroute", ENABLED_DISABLED)
            .ignore("tag", UINT)
            .ignore("ip6hostRtGw", TEXT)
            .ignore("metric", TEXT)
            .ignore("vserverRHILevel", TEXT)
            .ignore("ospf6LSAType", TEXT)
            .ignore("ospfArea", UINT)
            .ignore("map", TEXT)
            .ignore("ownerNode", UINT)
            .ignore("mptcpAdvertise", YES_NO)
            .ignore("td", UINT)
            .ignore("state", ENABLED_DISABLED)
            .build();

    // The route is for the LB host's kernel, which dsrlb does not configure.
    static final CommandSpec ADD_ROUTE = command("add route", "<network>", "<netmask>", "<gateway>")
            .ignore("td", UINT)
            .ignore("distance", UINT)
            .ignore("cost", UINT)
            .ignore("cost1", UINT)
            .ignore("weight", UINT)
            .ignore("advertise", ENABLED_DISABLED)
            .ignore("protocol", TEXT)
            .ignore("msr", ENABLED_DISABLED)
            .ignore("monitor", TEXT)
            .ignore("ownerGroup", TEXT)
            .ignore("vlan", UINT)
            .ignore("mgmt", ENABLED_DISABLED)
            .build();

    static final CommandSpec ADD_VLAN = command("add vlan", "<id>")
            .ignore("aliasName", TEXT)
            .ignore("dynamicRouting", ENABLED_DISABLED)
            .ignore("ipv6DynamicRouting", ENABLED_DISABLED)
            .ignore("mtu", UINT)
            .ignore("sharing", ENABLED_DISABLED)
            .build();

    static final CommandSpec BIND_VLAN = command("bind vlan", "<id>")
            .option("ifnum")
            .option("tagged", 0)
            .option("IPAddress", 2)
            .ignore("td", UINT)
            .ignore("ownerGroup", TEXT)
            .unsupported("netmask", "ipv6Address")
            .build();

    static final CommandSpec ADD_SERVER = command("add server", "<name>", "<ip>")
            .ignore(
                    "state",
                    ENABLED_DISABLED,
                    "dsrlb keeps the state on services, use 'disable service' to take one out")
            .ignore("comment", TEXT)
            .ignore("td", UINT)
            .ignore("translationIp", TEXT)
            .ignore("translationMask", TEXT)
            .ignore("domainResolveRetry", UINT)
            .ignore("IPv6Address", YES_NO)
            .build();

    private static CommandSpec.Builder serviceOptions(CommandSpec.Builder command) {
        return command.option("state")
                .ignore("gslb", TEXT)
                .ignore("maxClient", UINT)
                .ignore("maxReq", UINT)
                .ignore("cip", ENABLED_DISABLED)
                .ignore("cipHeader", TEXT)
                .ignore("usip", YES_NO)
                .ignore("useproxyport", YES_NO)
                .ignore("sp", ON_OFF)
                .ignore("cltTimeout", UINT)
                .ignore("svrTimeout", UINT)
                .ignore("CKA", YES_NO)
                .ignore("TCPB", YES_NO)
                .ignore("CMP", YES_NO)
                .ignore("maxBandwidth", UINT)
                .ignore("accessDown", YES_NO)
                .ignore("monThreshold", UINT)
                .ignore("downStateFlush", ENABLED_DISABLED)
                .ignore("hashId", UINT)
                .ignore("serverID", UINT)
                .ignore("customServerID", TEXT)
                .ignore("comment", TEXT)
                .ignore("cacheable", YES_NO)
                .ignore("cacheType", TEXT)
                .ignore("healthMonitor", YES_NO)
                .ignore("appflowLog", ENABLED_DISABLED)
                .ignore("td", UINT)
                .ignore("rtspSessionidRemap", ON_OFF)
                .ignore("pathMonitor", YES_NO)
                .ignore("pathMonitorIndv", YES_NO)
                .ignore("tcpProfileName", TEXT)
                .ignore("httpProfileName", TEXT)
                .ignore("dnsProfileName", TEXT)
                .ignore("netProfile", TEXT)
                .ignore("contentInspectionProfileName", TEXT)
                .ignore("processLocal", ENABLED_DISABLED)
                .ignore("monConnectionClose", oneOf("RESET", "FIN"))
                .ignore("clearTextPort", UINT);
    }

    static final CommandSpec ADD_SERVICE = serviceOptions(
                    command("add service", "<name>", "<server|ip>", "<type>", "<port|*>"))
            .build();

    static final CommandSpec SET_SERVICE =
            serviceOptions(command("set service", "<name>")).build();

    static final CommandSpec ENABLE_SERVICE =
            command("enable service", "<name>").build();

    // In a file the service is simply disabled from the start; draining is a run-time matter.
    private static final String RUN_TIME_ONLY = "it only matters at run time (admin drain)";

    static final CommandSpec DISABLE_SERVICE = command("disable service", "<name>")
            .ignore("graceful", YES_NO, RUN_TIME_ONLY)
            .ignore("delay", UINT, RUN_TIME_ONLY)
            .build();

    static final CommandSpec ADD_LB_VSERVER = command("add lb vserver", "<name>", "<type>", "<vip>", "<port|*>")
            .option("persistenceType")
            .option("timeout")
            .option("lbMethod")
            .option("m")
            .option("persistenceMaxEntries")
            .ignore("connfailover", oneOf("DISABLED", "STATEFUL", "STATELESS"))
            .ignore("cltTimeout", UINT)
            .ignore("comment", TEXT)
            .ignore("td", UINT)
            .ignore("state", ENABLED_DISABLED, "dsrlb serves every vserver of its config, leave one out to disable it")
            .ignore("sessionless", ENABLED_DISABLED)
            .ignore("redirectPortRewrite", ENABLED_DISABLED)
            .ignore("downStateFlush", ENABLED_DISABLED)
            .ignore("disablePrimaryOnDown", ENABLED_DISABLED)
            .ignore("appflowLog", ENABLED_DISABLED)
            .ignore("icmpVsrResponse", oneOf("PASSIVE", "ACTIVE"))
            .ignore("rhiState", oneOf("PASSIVE", "ACTIVE"))
            .ignore("healthThreshold", UINT)
            .ignore("persistenceBackup", oneOf("NONE", "SOURCEIP"))
            .ignore("backupPersistenceTimeout", UINT)
            .ignore("listenPriority", UINT)
            .ignore("pq", ON_OFF)
            .ignore("sc", ON_OFF)
            .ignore("rtspNat", ON_OFF)
            .ignore("l2Conn", ON_OFF)
            .ignore("macmodeRetainvlan", ENABLED_DISABLED)
            .ignore("dns64", ENABLED_DISABLED)
            .ignore("bypassAAAA", YES_NO)
            .ignore("RecursionAvailable", YES_NO)
            .ignore("processLocal", ENABLED_DISABLED)
            .ignore("trofsPersistence", ENABLED_DISABLED)
            .ignore("retainConnectionsOnCluster", YES_NO)
            .ignore("skippersistency", TEXT)
            .ignore("insertVserverIPPort", TEXT)
            .ignore("vipHeader", TEXT)
            .ignore("tcpProfileName", TEXT)
            .ignore("httpProfileName", TEXT)
            .ignore("dbProfileName", TEXT)
            .ignore("lbprofilename", TEXT)
            .ignore("netProfile", TEXT)
            .unsupported(
                    "backupVServer",
                    "range",
                    "ipPattern",
                    "ipMask",
                    "persistMask",
                    "v6persistmasklen",
                    "netmask",
                    "v6netmasklen",
                    "listenPolicy",
                    "rule",
                    "soMethod",
                    "soThreshold",
                    "redirectURL",
                    "newServiceRequest",
                    "cookieName")
            .build();

    static final CommandSpec BIND_LB_VSERVER = command("bind lb vserver", "<vserver>", "<service>")
            .option("weight")
            .unsupported("policyName", "priority")
            .build();

    // NetScaler's monitor options that describe other monitor types or its own bookkeeping.
    static final CommandSpec ADD_LB_MONITOR = command("add lb monitor", "<name>", "<type>")
            .option("file")
            .option("interval")
            .option("resptimeout")
            .option("retries")
            .option("successRetries")
            .option("downTime")
            .option("destPort")
            .option("blksize")
            .option("expectSize")
            .option("expectSha256")
            .ignore("units1", oneOf("SEC"), "dsrlb monitor times are in seconds")
            .ignore("units2", oneOf("SEC"), "dsrlb monitor times are in seconds")
            .ignore("units3", oneOf("SEC"), "dsrlb monitor times are in seconds")
            .ignore("units4", oneOf("SEC"), "dsrlb monitor times are in seconds")
            .ignore("state", ENABLED_DISABLED)
            .ignore("reverse", YES_NO)
            .ignore("transparent", YES_NO)
            .ignore("LRTM", ENABLED_DISABLED)
            .ignore("deviation", UINT)
            .ignore("failureRetries", UINT)
            .ignore("alertRetries", UINT)
            .ignore("trofsCode", UINT)
            .ignore("destIP", TEXT, "the DSR monitor checks each service's own address and the VIP")
            .ignore("comment", TEXT)
            .build();

    static final CommandSpec BIND_SERVICE = command("bind service", "<name>")
            .option("monitorName")
            .ignore("monState", ENABLED_DISABLED)
            .ignore("weight", UINT, "bind the service to the vserver with -weight instead")
            .ignore("passive", YES_NO)
            .build();

    /** NetScaler commands that a later version of dsrlb will read. */
    static final List<List<String>> NOT_YET = List.of();

    /**
     * NetScaler service and vserver types other than ANY, UDP and TCP: they make NetScaler
     * terminate or inspect the protocol, which a MAC-mode forwarder never does.
     */
    static final Set<String> PROXY_TYPES = Set.of(
            "HTTP",
            "FTP",
            "SSL",
            "SSL_BRIDGE",
            "SSL_TCP",
            "DTLS",
            "NNTP",
            "DNS",
            "DNS_TCP",
            "ADNS",
            "ADNS_TCP",
            "DHCPRA",
            "SIP_UDP",
            "SIP_TCP",
            "SIP_SSL",
            "RTSP",
            "PUSH",
            "SSL_PUSH",
            "RADIUS",
            "RADIUSLISTENER",
            "RDP",
            "MYSQL",
            "MSSQL",
            "ORACLE",
            "MONGO",
            "MONGO_TLS",
            "DIAMETER",
            "SSL_DIAMETER",
            "TFTP",
            "SMPP",
            "SYSLOGTCP",
            "SYSLOGUDP",
            "FIX",
            "SSL_FIX",
            "PROXY",
            "USER_TCP",
            "USER_SSL_TCP",
            "QUIC",
            "QUIC_BRIDGE",
            "HTTP_QUIC",
            "IPFIX",
            "LOGSTREAM",
            "MQTT",
            "MQTT_TLS",
            "RPCSVR",
            "SNMP",
            "NAT",
            "LDAP",
            "GRE",
            "PPTP");

    /** NetScaler -lbMethod values that dsrlb does not implement (yet). */
    static final Set<String> OTHER_LB_METHODS = Set.of(
            "LEASTCONNECTION",
            "LEASTRESPONSETIME",
            "URLHASH",
            "DOMAINHASH",
            "DESTINATIONIPHASH",
            "SRCIPDESTIPHASH",
            "LEASTBANDWIDTH",
            "LEASTPACKETS",
            "TOKEN",
            "SRCIPSRCPORTHASH",
            "LRTM",
            "CALLIDHASH",
            "CUSTOMLOAD",
            "LEASTREQUEST",
            "AUDITLOGHASH",
            "STATICPROXIMITY",
            "USER_TOKEN");

    /** Persistence a forwarder that reads only L3/L4 headers could do, but dsrlb does not (yet). */
    static final Set<String> OTHER_L4_PERSISTENCE = Set.of("DESTIP", "SRCIPDESTIP");

    /** Persistence that needs the application payload, which MAC-mode forwarding never reads. */
    static final Set<String> L7_PERSISTENCE = Set.of(
            "COOKIEINSERT",
            "SSLSESSION",
            "RULE",
            "URLPASSIVE",
            "CUSTOMSERVERID",
            "CALLID",
            "RTSPSID",
            "DIAMETER",
            "FIXSESSION",
            "USERSESSION");
}
