package dsrlb.cli;

import dsrlb.announce.TunInterface;
import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.control.AccessPolicy;
import dsrlb.control.ControlServer;
import dsrlb.daemon.Daemon;
import dsrlb.daemon.DaemonOptions;
import dsrlb.dataplane.NativePacketIo;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.engine.EngineKind;
import dsrlb.engine.Engines;
import dsrlb.metrics.MetricsExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Owns the VIPs on its interfaces and forwards until SIGINT/SIGTERM. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Answer ARP for the VIPs and forward their frames to the backends by MAC (DSR).",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:stopped by SIGTERM or SIGINT",
            "1:failed while running (the receive thread died), or could not start for a reason that may "
                    + "pass (control socket or metrics address in use); the packaged unit restarts it",
            "3:out of memory (the package's launcher runs the JVM with -XX:+ExitOnOutOfMemoryError); restarted",
            "2:bad config or bad arguments (file:line: message on stderr); not restarted",
            "4:this host cannot run it as asked: a capability, libpcap or the native library missing, "
                    + "or the interface not there; not restarted"
        },
        footerHeading = "%nSignals:%n",
        footer = {
            "SIGTERM, SIGINT: stop (the counters are logged, the kernel table and veth removed).",
            "SIGHUP: read the config file again, as dsrlb reload does.",
            "",
            "Files:",
            "/etc/dsrlb/dsrlb.conf: the config the packaged service runs (dsrlb.conf(5)).",
            "/etc/default/dsrlb: DSRLB_OPTS, more arguments for the packaged service.",
            "/run/dsrlb/dsrlb.sock: the control socket (--control-socket).",
            "",
            "See also: dsrlb.conf(5), dsrlb-check(1), dsrlb-reload(1), dsrlb-doctor(1), systemd.service(5);",
            "/usr/share/doc/dsrlb/ (README.md; docs/operations.md in the source)."
        })
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("dsrlb");

    @Mixin
    ConfigOption config;

    @Mixin
    InterfaceOption lanInterface;

    @Option(
            names = "--arp-refresh",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description = "Re-ask each backend's MAC this often (default: ${DEFAULT-VALUE}).")
    int arpRefreshSeconds;

    @Option(
            names = "--arp-stale",
            defaultValue = "35",
            paramLabel = "SECONDS",
            description = "Forget a backend's MAC after this long without an ARP reply (default: ${DEFAULT-VALUE}).")
    int arpStaleSeconds;

    @Option(
            names = "--ready-timeout",
            defaultValue = "5",
            paramLabel = "SECONDS",
            description =
                    "How long to wait for every backend's MAC before reporting ready (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @Option(
            names = "--control-socket",
            defaultValue = ControlServer.DEFAULT_PATH,
            paramLabel = "PATH",
            description = "Unix socket for dsrlb show/stat/enable/disable/reload/ha (default: ${DEFAULT-VALUE}; mode "
                    + "0660: root and the socket's group can connect). Read-only (show, stat, ha status) for "
                    + "every user who can connect; the rest needs admin, see --admin-group.")
    Path controlSocket;

    @Option(
            names = "--admin-group",
            defaultValue = AccessPolicy.DEFAULT_ADMIN_GROUP,
            paramLabel = "GROUP",
            description = "Members of this group (primary group, or listed in it) may send admin requests on the "
                    + "control socket (enable, disable, reload, ha active|standby), as root and dsrlb's own user "
                    + "may; other users of the socket are read-only (default: ${DEFAULT-VALUE}; a group that does "
                    + "not exist leaves only root and dsrlb's user).")
    String adminGroup;

    @Option(
            names = "--metrics-address",
            paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics (default: off; loopback, "
                    + "e.g. 127.0.0.1:10069, unless --metrics-allow-remote).")
    String metricsAddress;

    @Option(
            names = "--metrics-allow-remote",
            description = "Allow --metrics-address on a non-loopback address (the endpoint has no authentication).")
    boolean metricsAllowRemote;

    @Option(
            names = "--engine",
            defaultValue = "auto",
            paramLabel = "ENGINE",
            description = "Packet engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). auto takes the first "
                    + "that can start here: offload (dsrlb decides, the kernel forwards every later packet of a "
                    + "client: as fast as the kernel; needs CAP_NET_ADMIN and libnftables1), then native "
                    + "(dsrlb's AF_PACKET ring: every frame to a VIP crosses user space, so each client of a "
                    + "boot storm waits longer: 1.1-1.5x direct in lab/bench, up to 3x on a busy box), then pcap "
                    + "(libpcap: the slowest, up to 5x, the most portable); it logs why it skipped each one. A "
                    + "named engine that cannot start is an error, never a fallback. See BENCHMARKS.md.")
    EngineKind engine;

    @Option(
            names = "--native-ring",
            defaultValue = "v2",
            paramLabel = "RING",
            description =
                    "With --engine native: the AF_PACKET ring, ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})."
                            + " v2 hands over each frame at once; v3 hands over blocks, fewer wake-ups under load but a block"
                            + " that is not full waits up to 1 ms, and lock-step TFTP waits with it.")
    NativePacketIo.Ring nativeRing;

    @Option(
            names = "--offload-sync",
            defaultValue = "1",
            paramLabel = "SECONDS",
            description = "With --engine offload: read the kernel's client maps back this often, so draining, "
                    + "persistence and status see the clients the kernel serves (default: ${DEFAULT-VALUE}).")
    int offloadSyncSeconds;

    @Option(
            names = "--offload-max-clients",
            paramLabel = "N",
            description = "With --engine offload: the most clients one VIP's kernel map holds; new clients past it "
                    + "are served from user space and counted (map full). Default: what an eighth of the JVM's "
                    + "maximum heap pays for at 385 bytes a client (kernel element, dsrlb's mirror and read-back, "
                    + "libnftables' JSON), between 1024 and 1000000; never more than the vserver's "
                    + "-persistenceMaxEntries.")
    Long offloadMaxClients;

    @Option(
            names = "--realtime-priority",
            defaultValue = "10",
            paramLabel = "1..99",
            description = "SCHED_FIFO priority of the receive thread, and of the offload engine's writer while it "
                    + "installs new clients, where permitted (CAP_SYS_NICE or RLIMIT_RTPRIO); 0 keeps normal "
                    + "scheduling (default: ${DEFAULT-VALUE}).")
    int realtimePriority;

    @Option(
            names = "--standby",
            description = "Start as HA standby: silent (no ARP answers for the VIPs, no forwarding) until "
                    + "`dsrlb ha active`, which keepalived's notify_master runs.")
    boolean standby;

    @Option(
            names = "--ha-role-file",
            paramLabel = "PATH",
            description = "Follow the HA role written to this file (active|standby, or keepalived's "
                    + "master|backup|fault|stop), checked every 100 ms; examples/keepalived/dsrlb-notify writes it.")
    Path haRoleFile;

    @Option(
            names = "--announce-interface",
            paramLabel = "NAME",
            description = "Create a TUN interface NAME (e.g. dsrlb-up; no address, no traffic) that is up while this "
                    + "node is HA active and some vserver has a service UP, down otherwise, and that the kernel "
                    + "deletes when dsrlb ends, even by SIGKILL. A routing daemon on the node announces the VIPs "
                    + "while it is up (BIRD 2: a static route via \"NAME\" exported over BGP; docs/operations.md). "
                    + "Default: none.")
    String announceInterface;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (arpRefreshSeconds < 1
                || arpStaleSeconds <= arpRefreshSeconds
                || readyTimeoutSeconds < 0
                || offloadSyncSeconds < 1
                || (offloadMaxClients != null && offloadMaxClients < 1)
                || realtimePriority < 0
                || realtimePriority > 99) {
            err.println("dsrlb run: need --arp-refresh >= 1, --arp-stale > --arp-refresh, --ready-timeout >= 0, "
                    + "--offload-sync >= 1, --offload-max-clients >= 1, --realtime-priority 0..99");
            return Main.EXIT_USAGE;
        }
        if (announceInterface != null) {
            try {
                TunInterface.checkName(announceInterface);
            } catch (IllegalArgumentException e) {
                err.println("dsrlb run: --announce-interface: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        InetSocketAddress metricsAt = null;
        if (metricsAddress != null) {
            try {
                metricsAt = MetricsExporter.parseAddress(metricsAddress);
            } catch (IllegalArgumentException e) {
                err.println("dsrlb run: --metrics-address: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            if (!metricsAt.getAddress().isLoopbackAddress() && !metricsAllowRemote) {
                err.println("dsrlb run: --metrics-address " + metricsAddress
                        + " is not a loopback address; add --metrics-allow-remote to serve it there");
                return Main.EXIT_USAGE;
            }
        }
        DsrConfig cfg = config.loadSafe(err);
        if (cfg == null) {
            return Main.EXIT_USAGE;
        }
        if (cfg.vips().isEmpty()) {
            err.println(config.file + ": no VIP: add `add ns ip <vip> <mask> -type VIP` or an `add lb vserver`");
            return Main.EXIT_USAGE;
        }
        cfg.notices().forEach(n -> log.info("{}", n));
        InterfacePlan plan;
        List<NetworkInterfaceInfo> nifs;
        try {
            plan = lanInterface.plan(cfg);
            nifs = InterfaceOption.lookUp(plan);
        } catch (IOException e) {
            err.println("dsrlb run: " + e.getMessage());
            return Main.EXIT_CANNOT_RUN_HERE;
        }
        String mismatch = plan.mismatch(cfg);
        if (mismatch != null) {
            err.println("dsrlb run: " + mismatch);
            return Main.EXIT_USAGE;
        }
        DaemonOptions options = new DaemonOptions(
                config.file,
                engine,
                new Engines.Options(
                        nativeRing,
                        TimeUnit.SECONDS.toNanos(offloadSyncSeconds),
                        offloadMaxClients != null ? offloadMaxClients : Engines.defaultOffloadMaxClients(),
                        realtimePriority),
                TimeUnit.SECONDS.toNanos(arpRefreshSeconds),
                TimeUnit.SECONDS.toNanos(arpStaleSeconds),
                TimeUnit.SECONDS.toNanos(readyTimeoutSeconds),
                controlSocket,
                adminGroup,
                metricsAt,
                realtimePriority,
                standby,
                haRoleFile,
                announceInterface);
        try {
            new Daemon(options, cfg, plan, nifs).run();
        } catch (Daemon.StartFailure e) {
            err.println("dsrlb run: " + e.getMessage());
            return e.hostCannotRun() ? Main.EXIT_CANNOT_RUN_HERE : Main.EXIT_RUNTIME;
        }
        return 0;
    }
}
