package dsrlb.cli;

import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.admin.AdminServer;
import dsrlb.admin.LiveStatus;
import dsrlb.admin.ControlResponder;
import dsrlb.admin.HaResponder;
import dsrlb.admin.HaRoleFile;
import dsrlb.admin.StatusResponder;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.Maglev;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.ServiceView;
import dsrlb.balance.Vserver;
import dsrlb.config.DsrConfig;
import dsrlb.config.MonitorConfig;
import dsrlb.config.ServiceConfig;
import dsrlb.config.VipConfig;
import dsrlb.config.VserverConfig;
import dsrlb.dataplane.ArpResolver;
import dsrlb.dataplane.Counters;
import dsrlb.dataplane.DropReason;
import dsrlb.dataplane.Engine;
import dsrlb.dataplane.NativePacketIo;
import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.Forwarder;
import dsrlb.dataplane.Libpcap;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.dataplane.PcapPacketIo;
import dsrlb.dataplane.ReceiveLoop;
import dsrlb.dataplane.VipOwnership;
import dsrlb.health.HealthMonitor;
import dsrlb.health.TftpServiceProbe;
import dsrlb.metrics.MetricsExporter;
import dsrlb.transfer.TransferTracker;
import dsrlb.admin.StatusSource;
import dsrlb.daemon.CurrentGeneration;
import dsrlb.daemon.Generation;
import dsrlb.daemon.ReloadResponder;
import dsrlb.daemon.Reloader;
import java.util.function.Function;
import dsrlb.offload.OffloadEngine;
import dsrlb.offload.OffloadProgrammer;
import dsrlb.net.Ipv4;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the VIPs on one interface and forwards until SIGINT/SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Answer ARP for the VIPs and forward their frames to the backends by MAC (DSR).")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("dsrlb");
    /** A gracefully disabled service is drained once nothing went to it for this long (TFTP clients ACK every block). */
    private static final long DRAIN_IDLE_NANOS = TimeUnit.SECONDS.toNanos(3);

    @Mixin
    ConfigOption config;

    @Mixin
    InterfaceOption lanInterface;

    @Option(names = "--arp-refresh", defaultValue = "10", paramLabel = "SECONDS",
            description = "Re-ask each backend's MAC this often (default: ${DEFAULT-VALUE}).")
    int arpRefreshSeconds;

    @Option(names = "--arp-stale", defaultValue = "35", paramLabel = "SECONDS",
            description = "Forget a backend's MAC after this long without an ARP reply (default: ${DEFAULT-VALUE}).")
    int arpStaleSeconds;

    @Option(names = "--ready-timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "How long to wait for every backend's MAC before reporting ready (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @Option(names = "--control-socket", defaultValue = AdminServer.DEFAULT_PATH, paramLabel = "PATH",
            description = "Unix socket for dsrlb show/stat (default: ${DEFAULT-VALUE}; mode 0660).")
    Path controlSocket;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics (default: off; loopback, "
                    + "e.g. 127.0.0.1:9108, unless --metrics-allow-remote).")
    String metricsAddress;

    @Option(names = "--metrics-allow-remote",
            description = "Allow --metrics-address on a non-loopback address (the endpoint has no authentication).")
    boolean metricsAllowRemote;

    @Option(names = "--engine", defaultValue = "pcap", paramLabel = "ENGINE",
            description = "Packet engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). pcap is portable; "
                    + "native uses dsrlb's AF_PACKET ring library; offload lets the kernel (nftables netdev) forward "
                    + "every client after dsrlb's decision.")
    Engine engine;

    @Option(names = "--native-ring", defaultValue = "v2", paramLabel = "RING",
            description = "With --engine native: the AF_PACKET ring, ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})."
                    + " v2 hands over each frame at once; v3 hands over blocks, fewer wake-ups under load but a block"
                    + " that is not full waits up to 1 ms, and lock-step TFTP waits with it.")
    NativePacketIo.Ring nativeRing;

    @Option(names = "--offload-sync", defaultValue = "1", paramLabel = "SECONDS",
            description = "With --engine offload: read the kernel's client maps back this often, so draining, "
                    + "persistence and status see the clients the kernel serves (default: ${DEFAULT-VALUE}).")
    int offloadSyncSeconds;

    @Option(names = "--realtime-priority", defaultValue = "10", paramLabel = "1..99",
            description = "SCHED_FIFO priority of the receive thread where permitted (CAP_SYS_NICE); 0 keeps "
                    + "normal scheduling (default: ${DEFAULT-VALUE}).")
    int realtimePriority;

    @Option(names = "--standby",
            description = "Start as HA standby: silent (no ARP answers for the VIPs, no forwarding) until "
                    + "`dsrlb ha active`, which keepalived's notify_master runs.")
    boolean standby;

    @Option(names = "--ha-role-file", paramLabel = "PATH",
            description = "Follow the HA role written to this file (active|standby, or keepalived's "
                    + "master|backup|fault|stop), checked every 100 ms; examples/keepalived/dsrlb-notify writes it.")
    Path haRoleFile;

    @Spec
    CommandSpec spec;

    private OffloadEngine offloadEngine;
    /** Set once the metrics endpoint exists; every generation's monitors report through it. */
    private volatile MetricsExporter probeMetrics;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (arpRefreshSeconds < 1 || arpStaleSeconds <= arpRefreshSeconds || readyTimeoutSeconds < 0
                || offloadSyncSeconds < 1 || realtimePriority < 0 || realtimePriority > 99) {
            err.println("dsrlb run: need --arp-refresh >= 1, --arp-stale > --arp-refresh, --ready-timeout >= 0, "
                    + "--offload-sync >= 1, --realtime-priority 0..99");
            return Main.EXIT_USAGE;
        }
        java.net.InetSocketAddress metricsAt = null;
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
        DsrConfig cfg = config.load(err);
        if (cfg == null) {
            return Main.EXIT_USAGE;
        }
        if (cfg.vips().isEmpty()) {
            err.println(config.file + ": no VIP: add `add ns ip <vip> <mask> -type VIP` or an `add lb vserver`");
            return Main.EXIT_USAGE;
        }
        cfg.notices().forEach(n -> log.info("{}", n));

        NetworkInterfaceInfo nif;
        PacketIo io;
        try {
            nif = lanInterface.resolve(cfg);
            io = openEngine(cfg, nif);
        } catch (IOException e) {
            err.println("dsrlb run: " + e.getMessage());
            return Main.EXIT_RUNTIME;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            err.println("dsrlb run: libpcap cannot be loaded (" + e + "); install it: apt-get install libpcap0.8");
            return Main.EXIT_RUNTIME;
        }

        CurrentGeneration live = new CurrentGeneration();
        AtomicReference<Forwarder> forwarderRef = new AtomicReference<>();
        AtomicReference<OffloadProgrammer> programmerRef = new AtomicReference<>();
        Function<DsrConfig, Generation> build = c -> buildGeneration(c, nif, io, live, forwarderRef, programmerRef);
        Generation first = build.apply(cfg);
        live.install(first);
        OffloadProgrammer programmer = offloadEngine == null ? null
                : offloadEngine.startProgrammer(() -> live.get().balancer(), () -> live.get().transfers(),
                        TimeUnit.SECONDS.toNanos(offloadSyncSeconds));
        programmerRef.set(programmer);
        Forwarder forwarder = programmer == null ? new Forwarder(io, first.balancer(), first.resolver())
                : new Forwarder(io, first.balancer(), first.resolver(), programmer);
        forwarderRef.set(forwarder);
        forwarder.trackTransfers(first.transfers());
        forwarder.publish(first.balancer().state());
        if (programmer != null) {
            programmer.publish(first.balancer().state());
        }
        Reloader reloader = new Reloader(config.file, live, build, g -> {
            forwarder.rebind(g.balancer(), g.resolver());
            forwarder.trackTransfers(g.transfers());
            forwarder.publish(g.balancer().state());
            if (programmer != null) {
                // Service ids belong to a generation: the kernel's clients are learnt again.
                programmer.reset(g.balancer().state());
            }
        });
        forwarder.setActive(!standby);
        VipOwnership ownership = new VipOwnership(forwarder, io,
                cfg.vips().stream().mapToInt(VipConfig::address).toArray());
        StatusSource status = programmer == null ? live : withKernelPath(live, programmer);
        AdminServer admin;
        try {
            admin = AdminServer.start(controlSocket, new ReloadResponder(reloader::reload,
                    new HaResponder(new VipOwnershipControl(ownership),
                    new ControlResponder(live, new StatusResponder(status)))));
        } catch (IOException e) {
            err.println("dsrlb run: " + e.getMessage());
            io.close();
            closeOffload();
            return Main.EXIT_RUNTIME;
        }
        MetricsExporter metrics = null;
        if (metricsAt != null) {
            try {
                metrics = new MetricsExporter(status).start(metricsAt.getAddress(), metricsAt.getPort());
                probeMetrics = metrics;
                log.info("metrics on http://{}:{}/metrics", metricsAt.getHostString(), metrics.port());
            } catch (IOException e) {
                err.println("dsrlb run: --metrics-address " + metricsAddress + ": " + e.getMessage());
                admin.close();
                io.close();
                closeOffload();
                return Main.EXIT_RUNTIME;
            }
        }
        MetricsExporter metricsServer = metrics;
        java.util.concurrent.ScheduledExecutorService drains = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "dsrlb-drain");
                    t.setDaemon(true);
                    return t;
                });
        ReceiveLoop loop = new ReceiveLoop(io, forwarder, realtimePriority);
        Thread rx = new Thread(loop, "dsrlb-rx-" + nif.name());

        log.info("dsrlb on {} (MAC {}, {}/{}), MAC-based forwarding, engine {}", nif.name(), nif.mac(),
                Ipv4.format(nif.address()), nif.prefixLength(), engine.cliName());
        for (VserverConfig v : cfg.vservers().values()) {
            log.info("vserver {} {} {}:{} lbMethod {} persistence {} timeout {} min (max {} clients) services [{}]",
                    v.name(), v.protocol(), Ipv4.format(v.vip()), v.port() < 0 ? "*" : v.port(), v.method(),
                    v.persistence(), v.timeoutMinutes(), v.persistenceMaxEntries(),
                    v.bindings().stream().map(b -> b.service() + (b.weight() != 1 ? " weight " + b.weight() : ""))
                            .collect(Collectors.joining(", ")));
        }
        for (ServiceConfig s : cfg.services().values()) {
            String monitors = cfg.monitorBindings().stream().filter(b -> b.service().equals(s.name()))
                    .map(b -> b.monitor()).collect(Collectors.joining(", "));
            log.info("service {} {} {}:{} {} monitors [{}]", s.name(), s.protocol(), Ipv4.format(s.address()),
                    s.port() < 0 ? "*" : s.port(), s.state(), monitors.isEmpty() ? "ARP reachability" : monitors);
        }
        for (MonitorConfig m : cfg.monitors().values()) {
            log.info("monitor {} TFTP file {} interval {} s resptimeout {} s retries {} successRetries {} downTime {} s",
                    m.name(), m.file(), m.interval().toSeconds(), m.responseTimeout().toSeconds(), m.retries(),
                    m.successRetries(), m.downTime().toSeconds());
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("stopping");
            if (metricsServer != null) {
                metricsServer.close();
            }
            admin.close();
            drains.shutdownNow();
            live.get().close();
            loop.stop();
            io.wakeup();
            try {
                rx.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long kernelDrops = io.droppedByKernel();
            if (rx.isAlive()) {
                // Closing under a blocked reader would hang the JVM's exit; the OS closes it.
                log.warn("receive thread did not stop; leaving the capture handle to the OS");
            } else {
                io.close();
            }
            printCounters(forwarder.counters(), live.get().balancer(), kernelDrops);
            if (programmer != null) {
                log.info("offload: kernel forwarded {} packets, {} bytes; {} clients in its maps; {} installs, "
                        + "{} removals, {} failures, {} decisions dropped", programmer.offloadedPackets(),
                        programmer.offloadedBytes(), programmer.kernelEntries(), programmer.installs(),
                        programmer.removals(), programmer.failures(), programmer.ringDrops());
            }
            closeOffload();
            stopped.countDown();
        }, "dsrlb-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        rx.start();
        if (standby) {
            log.info("HA standby: silent for {} until `dsrlb ha active`",
                    cfg.vips().stream().map(v -> Ipv4.format(v.address())).collect(Collectors.joining(", ")));
        } else {
            ownership.announce();
        }
        first.start();
        if (haRoleFile != null) {
            drains.scheduleWithFixedDelay(new HaRoleFile(haRoleFile, new VipOwnershipControl(ownership)), 0, 100,
                    TimeUnit.MILLISECONDS);
        }
        drains.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            Generation g = live.get();
            g.balancer().finishDrains(now, DRAIN_IDLE_NANOS);
            g.transfers().sweep(now, (serviceId, nanos) -> {
                MetricsExporter m = probeMetrics;
                if (m != null) {
                    m.observeTransfer(g.balancer().services().get(serviceId).name(), nanos / 1e9);
                }
            });
        }, 500, 500, TimeUnit.MILLISECONDS);
        reloadOnSighup(reloader);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readyTimeoutSeconds);
        LoadBalancer balancer = first.balancer();
        while (System.nanoTime() < deadline
                && !balancer.serviceViews().stream().allMatch(s -> s.eligible() || s.status() == ServiceStatus.OUT_OF_SERVICE)) {
            Thread.sleep(50);
        }
        long up = balancer.serviceViews().stream().filter(ServiceView::eligible).count();
        log.info("ready: {} of {} services UP, {} for {}", up, cfg.services().size(),
                standby ? "HA standby" : "forwarding",
                cfg.vips().stream().map(v -> Ipv4.format(v.address())).collect(Collectors.joining(", ")));
        stopped.await();
        return 0;
    }

    private PacketIo openEngine(DsrConfig cfg, NetworkInterfaceInfo nif) throws IOException {
        return switch (engine) {
            case PCAP -> {
                Libpcap.configure();
                yield PcapPacketIo.open(nif.name(), nif.mac(), captureFilter(cfg, nif));
            }
            case NATIVE -> NativePacketIo.open(nif.name(), nif.mac(), captureFilter(cfg, nif), nativeRing);
            case OFFLOAD -> {
                Libpcap.configure();
                offloadEngine = OffloadEngine.open(cfg, nif, captureFilter(cfg, nif));
                yield offloadEngine.packetIo();
            }
        };
    }

    /** One config's balancer, resolver and monitors; its snapshots reach the packet path only while it is current. */
    private Generation buildGeneration(DsrConfig c, NetworkInterfaceInfo nif, PacketIo io, CurrentGeneration live,
            AtomicReference<Forwarder> forwarderRef, AtomicReference<OffloadProgrammer> programmerRef) {
        LoadBalancer[] self = new LoadBalancer[1];
        LoadBalancer balancer = new LoadBalancer(c, Ticker.systemTicker(), Maglev.DEFAULT_TABLE_SIZE, state -> {
            if (self[0] == null || !live.isCurrent(self[0])) {
                return;
            }
            Forwarder f = forwarderRef.get();
            if (f != null) {
                f.publish(state);
            }
            OffloadProgrammer p = programmerRef.get();
            if (p != null) {
                p.publish(state);
            }
        });
        self[0] = balancer;
        ArpResolver resolver = new ArpResolver(io, balancer, nif.address(),
                TimeUnit.SECONDS.toNanos(arpRefreshSeconds), TimeUnit.SECONDS.toNanos(arpStaleSeconds),
                System::nanoTime);
        HealthMonitor health = new HealthMonitor(balancer, c.monitorBindings(), c.monitors(),
                m -> new TftpServiceProbe(m, c, io, nif.address()));
        health.onProbe((service, monitor, result) -> {
            MetricsExporter m = probeMetrics;
            if (m != null && result.responseTime() != null) {
                m.observeProbe(service, monitor, result.ok(), result.responseTime().toNanos() / 1e9);
            }
        });
        TransferTracker transfers = new TransferTracker(c.services().size(), DRAIN_IDLE_NANOS);
        balancer.vservers().forEach(v -> v.useTransferCounts(transfers.activeCounts()));
        // The forwarder's counters outlive generations; it exists before any status is read.
        LiveStatus status = new LiveStatus(balancer, () -> forwarderRef.get().counters(), health,
                Clock.systemUTC()).withTransfers(transfers);
        return new Generation(c, balancer, resolver, health, transfers, status, new LoadBalancerControl(balancer));
    }

    private static StatusSource withKernelPath(StatusSource status, OffloadProgrammer programmer) {
        return new dsrlb.admin.KernelPathStatus(status, () -> new dsrlb.admin.GlobalReport.KernelPath(
                programmer.offloadedPackets(), programmer.offloadedBytes(), programmer.kernelEntries(),
                programmer.installs(), programmer.removals(), programmer.failures()));
    }

    /** SIGHUP re-reads the config, as daemons do; the outcome is logged by the reloader. */
    @SuppressWarnings("removal")
    private static void reloadOnSighup(Reloader reloader) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                Thread t = new Thread(reloader::reload, "dsrlb-reload");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            log.warn("SIGHUP cannot be handled here ({}); use `dsrlb reload`", e.getMessage());
        }
    }

    private void closeOffload() {
        if (offloadEngine != null) {
            offloadEngine.close();
        }
    }

    /**
     * What the kernel hands us: ARP, and IPv4 to a VIP; never our own frames (direction IN
     * already, this is belt and braces for engines without direction support).
     */
    static String captureFilter(DsrConfig cfg, NetworkInterfaceInfo nif) {
        String vips = cfg.vips().stream().map(v -> "dst host " + Ipv4.format(v.address()))
                .collect(Collectors.joining(" or "));
        return "not ether src " + nif.mac() + " and (arp or (ip and (" + vips + ")))";
    }

    private static void printCounters(Counters c, LoadBalancer balancer, long kernelDrops) {
        StringBuilder sb = new StringBuilder("counters: received ").append(c.received())
                .append(", forwarded ").append(c.forwarded())
                .append(", checksums completed ").append(c.checksumsCompleted())
                .append(", ARP replies ").append(c.arpRepliesSent())
                .append(", VIP ARP conflicts ").append(c.vipArpConflicts())
                .append(", lost before capture ").append(kernelDrops < 0 ? "unknown" : Long.toString(kernelDrops));
        for (DropReason r : DropReason.values()) {
            long n = c.drops(r);
            if (n > 0) {
                sb.append(", drop ").append(r.metricName()).append(' ').append(n);
            }
        }
        log.info("{}", sb);
        for (ServiceView s : balancer.serviceViews()) {
            log.info("service {}: {} packets, {} bytes forwarded", s.name(), balancer.forwardedPackets(s.id()),
                    balancer.forwardedBytes(s.id()));
        }
        for (Vserver v : balancer.vservers()) {
            log.info("vserver {}: {} new clients, {} persistence hits, {} re-picked, {} persisted clients",
                    v.config().name(), v.newClients(), v.persistenceHits(), v.repicks(),
                    v.persistence() == null ? 0 : v.persistence().size());
        }
    }
}
