package dsrlb.daemon;

import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.announce.Announcer;
import dsrlb.announce.TunInterface;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.Maglev;
import dsrlb.balance.RebuildPacer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.ServiceView;
import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.control.AccessPolicy;
import dsrlb.control.ControlResponder;
import dsrlb.control.ControlServer;
import dsrlb.control.StatusResponder;
import dsrlb.dataplane.ArpResolver;
import dsrlb.dataplane.Counters;
import dsrlb.dataplane.ForwardedFrameListener;
import dsrlb.dataplane.Forwarder;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.ReceiveLoop;
import dsrlb.dataplane.VipOwnership;
import dsrlb.engine.EngineKind;
import dsrlb.engine.EngineUnavailableException;
import dsrlb.engine.Engines;
import dsrlb.engine.PacketEngine;
import dsrlb.ha.HaResponder;
import dsrlb.ha.HaRoleFile;
import dsrlb.health.HealthMonitor;
import dsrlb.health.TftpServiceProbe;
import dsrlb.metrics.MetricsExporter;
import dsrlb.net.IpAddress;
import dsrlb.status.EngineStatus;
import dsrlb.status.GlobalReport;
import dsrlb.status.LiveStatus;
import dsrlb.status.NodeReport;
import dsrlb.status.StatusSource;
import dsrlb.systemd.SystemdNotifier;
import dsrlb.transfer.TransferTracker;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running dsrlb: per interface a packet engine, a forwarder and its receive thread; the config's
 * generation (balancer, ARP resolver, monitors), the control socket and the metrics endpoint,
 * wired once and taken down in reverse on SIGINT/SIGTERM. {@code dsrlb run} parses its
 * arguments and hands them here.
 */
public final class Daemon {
    private static final Logger log = LoggerFactory.getLogger("dsrlb");
    /**
     * How often the announcer compares HA role and services UP with the link: a service going
     * DOWN withdraws the route within this (plus BIRD's and BGP's few milliseconds).
     */
    static final long ANNOUNCE_POLL_MILLIS = 100;

    /** dsrlb could not start; the message is for the operator. */
    public static final class StartFailure extends Exception {
        private final boolean hostCannotRun;

        public StartFailure(String message, Throwable cause) {
            this(message, cause, false);
        }

        public StartFailure(String message, Throwable cause, boolean hostCannotRun) {
            super(message, cause);
            this.hostCannotRun = hostCannotRun;
        }

        /** Whether this host lacks what the engine needs (a capability, a library): a restart cannot help. */
        public boolean hostCannotRun() {
            return hostCannotRun;
        }
    }

    private final DaemonOptions options;
    private final DsrConfig cfg;
    private final InterfacePlan plan;
    private final List<NetworkInterfaceInfo> nifs;
    private final CurrentGeneration live = new CurrentGeneration();
    /** Set once the metrics endpoint exists; every generation's monitors report through it. */
    private volatile MetricsExporter probeMetrics;

    /**
     * Every generation's coalesced state rebuilds (learned MACs) run here, off the receive
     * thread, at most one per {@link RebuildPacer#DEFAULT_INTERVAL_NANOS} per balancer.
     */
    private final ScheduledExecutorService rebuilder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dsrlb-rebuild");
        t.setDaemon(true);
        return t;
    });

    /** All interfaces' forwarders count here; outlives generations. */
    private final Counters counters = new Counters();
    /** One per interface, in the plan's order; set once the engines are open. */
    private List<Lan> lans = List.of();

    /**
     * @param plan the interfaces to serve and which addresses live on each (checked against
     *     {@code cfg} already: {@link InterfacePlan#mismatch})
     * @param nifs the plan's interfaces as the kernel has them, same order
     */
    public Daemon(DaemonOptions options, DsrConfig cfg, InterfacePlan plan, List<NetworkInterfaceInfo> nifs) {
        this.options = options;
        this.cfg = cfg;
        this.plan = plan;
        this.nifs = List.copyOf(nifs);
    }

    /** Starts everything and blocks until a signal has stopped it again. */
    public void run() throws StartFailure, InterruptedException {
        List<PacketEngine> engines = openEngines();
        List<Lan> opened = new ArrayList<>();
        for (int i = 0; i < engines.size(); i++) {
            PacketEngine engine = engines.get(i);
            boolean[] served = plan.vipsOn(cfg, i);
            Forwarder forwarder = new Forwarder(engine.packetIo(), counters, served);
            ReceiveLoop loop = new ReceiveLoop(
                    engine.packetIo(), forwarder, options.realtimePriority(), Daemon::exitOnDeadForwarder);
            opened.add(new Lan(
                    i,
                    nifs.get(i),
                    engine,
                    forwarder,
                    ownership(served, forwarder, engine.packetIo()),
                    loop,
                    new Thread(loop, "dsrlb-rx-" + nifs.get(i).name())));
        }
        lans = List.copyOf(opened);
        Generation first = buildGeneration(cfg);
        live.install(first);
        bind(first);
        for (PacketEngine engine : engines) {
            engine.start(() -> live.get().balancer(), () -> live.get().transfers());
        }
        Reloader reloader = new Reloader(
                options.configFile(),
                live,
                this::buildGeneration,
                g -> {
                    bind(g);
                    for (Lan lan : lans) {
                        lan.engine().newGeneration(g.config(), g.balancer().state());
                    }
                },
                plan::mismatch);
        for (Lan lan : lans) {
            lan.forwarder().setActive(!options.standby());
            lan.engine().setActive(!options.standby());
        }
        // All interfaces switch HA role together; the first speaks for them.
        VipOwnership primary = lans.get(0).ownership();
        TunInterface tun = null;
        Announcer announcer = null;
        if (options.announceInterface() != null) {
            try {
                tun = TunInterface.open(options.announceInterface());
            } catch (IOException e) {
                live.get().close();
                closeEngines();
                throw new StartFailure(
                        "--announce-interface " + options.announceInterface() + ": " + e.getMessage(), e);
            }
            announcer = new Announcer(
                    tun, primary::isActive, () -> live.get().balancer().state().anyServiceUp());
        }
        TunInterface announceLink = tun;
        Announcer announce = announcer;
        VipOwnershipControl ha =
                new VipOwnershipControl(lans.stream().map(Lan::ownership).toList(), engines, announcer);
        String version =
                Objects.requireNonNullElse(Daemon.class.getPackage().getImplementationVersion(), "development");
        String engineName = engineName();
        StatusSource status = new EngineStatus(
                live,
                engineName,
                this::kernelPath,
                () -> new NodeReport(
                        version,
                        engineName,
                        primary.isActive() ? NodeReport.ACTIVE : NodeReport.STANDBY,
                        reloader.generation(),
                        reloader.lastLoad(),
                        announce == null ? null : new NodeReport.Announce(announce.interfaceName(), announce.isUp())));
        ControlServer admin;
        try {
            admin = ControlServer.start(
                    options.controlSocket(),
                    new ReloadResponder(
                            reloader::reload,
                            new HaResponder(ha, new ControlResponder(live, new StatusResponder(status)))),
                    AccessPolicy.forThisProcess(options.adminGroup()));
        } catch (IOException e) {
            closeQuietly(announceLink);
            live.get().close();
            closeEngines();
            throw new StartFailure(e.getMessage(), e);
        }
        MetricsExporter metrics = null;
        if (options.metricsAt() != null) {
            try {
                metrics = new MetricsExporter(status)
                        .start(
                                options.metricsAt().getAddress(),
                                options.metricsAt().getPort());
                probeMetrics = metrics;
                log.info("metrics on http://{}:{}/metrics", options.metricsAt().getHostString(), metrics.port());
            } catch (IOException e) {
                admin.close();
                closeQuietly(announceLink);
                live.get().close();
                closeEngines();
                throw new StartFailure(
                        "--metrics-address " + options.metricsAt().getHostString() + ":"
                                + options.metricsAt().getPort() + ": " + e.getMessage(),
                        e);
            }
        }
        MetricsExporter metricsServer = metrics;
        ScheduledExecutorService drains = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dsrlb-drain");
            t.setDaemon(true);
            return t;
        });
        SystemdSupervision systemd = new SystemdSupervision(
                SystemdNotifier.fromEnvironment(), lans.stream().map(Lan::loop).toList());

        StartStopLog.started(nifs, engines.stream().map(e -> e.kind().cliName()).toList(), cfg);

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    log.info("stopping");
                    systemd.stopping();
                    // First: the routing daemon withdraws the VIPs while this node still forwards
                    // what the router sent before it heard.
                    if (announceLink != null) {
                        announceLink.close();
                        log.info("announce: {} deleted, VIPs withdrawn", announceLink.name());
                    }
                    if (metricsServer != null) {
                        metricsServer.close();
                    }
                    admin.close();
                    drains.shutdownNow();
                    rebuilder.shutdownNow();
                    live.get().close();
                    for (Lan lan : lans) {
                        lan.loop().stop();
                        lan.io().wakeup();
                    }
                    long kernelDrops = 0;
                    for (Lan lan : lans) {
                        try {
                            lan.rx().join(2_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        long lost = lan.io().droppedByKernel();
                        kernelDrops = lost < 0 || kernelDrops < 0 ? -1 : kernelDrops + lost;
                    }
                    StartStopLog.counters(counters, live.get().balancer(), kernelDrops);
                    for (Lan lan : lans) {
                        if (lan.rx().isAlive()) {
                            // Closing under a blocked reader would hang the JVM's exit; the OS closes it.
                            log.warn(
                                    "receive thread of {} did not stop; leaving the capture handle to the OS",
                                    lan.nif().name());
                        } else {
                            lan.engine().close();
                        }
                        // After close: the kernel side's counters are read a last time as it closes.
                        String summary = lan.engine().stopSummary();
                        if (summary != null) {
                            log.info("{}", summary);
                        }
                    }
                    stopped.countDown();
                },
                "dsrlb-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        lans.forEach(lan -> lan.rx().start());
        if (options.standby()) {
            log.info("HA standby: silent for {} until `dsrlb ha active`", vipList());
        } else {
            lans.forEach(lan -> lan.ownership().announce());
        }
        first.start();
        // Both run until the executor is shut down at stop; nobody waits on them.
        if (options.haRoleFile() != null) {
            ScheduledFuture<?> unusedRoleFile = drains.scheduleWithFixedDelay(
                    new HaRoleFile(options.haRoleFile(), ha), 0, 100, TimeUnit.MILLISECONDS);
        }
        if (announce != null) {
            ScheduledFuture<?> unusedAnnounce =
                    drains.scheduleWithFixedDelay(announce, 0, ANNOUNCE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        ScheduledFuture<?> unusedSweep =
                drains.scheduleWithFixedDelay(new IdleSweep(live, () -> probeMetrics), 500, 500, TimeUnit.MILLISECONDS);
        SighupReload.install(reloader);
        long deadline = System.nanoTime() + options.readyTimeoutNanos();
        LoadBalancer balancer = first.balancer();
        while (System.nanoTime() < deadline
                && !balancer.serviceViews().stream()
                        .allMatch(s -> s.eligible() || s.status() == ServiceStatus.OUT_OF_SERVICE)) {
            Thread.sleep(50);
        }
        long up = balancer.serviceViews().stream().filter(ServiceView::eligible).count();
        String ready = String.format(
                Locale.ROOT,
                "%d of %d services UP, %s for %s, engine %s",
                up,
                cfg.services().size(),
                options.standby() ? "HA standby" : "forwarding",
                vipList(),
                engineName);
        log.info("ready: {}", ready);
        systemd.ready(ready);
        systemd.startWatchdog(drains);
        stopped.await();
    }

    /**
     * One engine per interface, each asked for by --engine (auto picks per interface: a VLAN
     * trunk may not take the kernel path where an untagged LAN does). One that cannot open
     * closes those opened before it.
     */
    private List<PacketEngine> openEngines() throws StartFailure {
        List<PacketEngine> engines = new ArrayList<>();
        for (int i = 0; i < nifs.size(); i++) {
            NetworkInterfaceInfo nif = nifs.get(i);
            String on = nifs.size() > 1 ? " on " + nif.name() : "";
            Engines.Choice choice;
            try {
                choice = Engines.open(options.engine(), cfg, nif, plan.vipsOn(cfg, i), options.engineOptions());
            } catch (EngineUnavailableException e) {
                engines.forEach(PacketEngine::close);
                throw new StartFailure("--engine " + e.kind().cliName() + on + ": " + e.getMessage(), e, true);
            }
            choice.skipped().forEach(s -> log.info("engine auto{}: {}", on, s));
            log.info(
                    "engine {}{}{}",
                    choice.engine().kind().cliName(),
                    on,
                    options.engine() == EngineKind.AUTO ? " (chosen by --engine auto)" : "");
            engines.add(choice.engine());
        }
        return engines;
    }

    private void closeEngines() {
        lans.forEach(lan -> lan.engine().close());
    }

    /**
     * The engine's name; on several interfaces each engine with the interfaces it runs on
     * ("offload on eth0, eth1"; "offload on eth0, native on eth1"), as status and metrics show it.
     */
    private String engineName() {
        if (lans.size() == 1) {
            return lans.get(0).engine().kind().cliName();
        }
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (Lan lan : lans) {
            byKind.computeIfAbsent(lan.engine().kind().cliName(), k -> new ArrayList<>())
                    .add(lan.nif().name());
        }
        return byKind.entrySet().stream()
                .map(e -> e.getKey() + " on " + String.join(", ", e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The kernel side's counters, summed over the interfaces whose engine has one; null when none has. */
    private GlobalReport.KernelPath kernelPath() {
        GlobalReport.KernelPath sum = null;
        for (Lan lan : lans) {
            GlobalReport.KernelPath k = lan.engine().kernelPath();
            if (k == null) {
                continue;
            }
            sum = sum == null ? k : sum.plus(k);
        }
        return sum;
    }

    /** Gratuitous ARP and unsolicited NAs for the VIPs marked in {@code served} ({@link InterfacePlan#vipsOn}). */
    private VipOwnership ownership(boolean[] served, Forwarder forwarder, PacketIo io) {
        List<IpAddress> here = new ArrayList<>();
        for (int v = 0; v < cfg.vips().size(); v++) {
            if (served[v]) {
                here.add(cfg.vips().get(v).address());
            }
        }
        int[] vipAddresses = here.stream()
                .filter(IpAddress::isIpv4)
                .mapToInt(IpAddress::ipv4)
                .toArray();
        IpAddress[] vip6Addresses = here.stream().filter(IpAddress::isIpv6).toArray(IpAddress[]::new);
        return new VipOwnership(
                forwarder,
                io,
                vipAddresses,
                Arrays.stream(vipAddresses).map(cfg::tagOf).toArray(),
                vip6Addresses,
                Arrays.stream(vip6Addresses).mapToInt(cfg::tagOf).toArray());
    }

    /**
     * The receive thread is gone: exit non-zero (from another thread, so the shutdown hook that
     * joins it can run) rather than stay up looking healthy; systemd restarts dsrlb and
     * keepalived's check sees the control socket go and fails over.
     */
    static void exitOnDeadForwarder(Throwable why) {
        Thread exit = new Thread(() -> System.exit(1), "dsrlb-exit");
        exit.setDaemon(true);
        exit.start();
    }

    private static void closeQuietly(TunInterface tun) {
        if (tun != null) {
            tun.close();
        }
    }

    private String vipList() {
        return cfg.vips().stream().map(v -> v.address().format()).collect(Collectors.joining(", "));
    }

    /**
     * Points the forwarders at a current generation: each interface's resolver hears its ARP;
     * the balancer's counters, the interface's kernel path and the transfer table hear of each
     * forwarded frame.
     */
    private void bind(Generation g) {
        for (Lan lan : lans) {
            lan.forwarder()
                    .rebind(
                            g.resolvers().get(lan.index()),
                            ForwardedFrameListener.countingFor(g.balancer()),
                            lan.engine().decisions(),
                            g.transfers().feed());
            lan.forwarder().publish(g.balancer().state());
        }
    }

    /** Runs a balancer's coalesced rebuild on the rebuild thread; nobody waits on it. */
    private void scheduleRebuild(Runnable task, long delayNanos) {
        try {
            ScheduledFuture<?> unused = rebuilder.schedule(
                    () -> {
                        try {
                            task.run();
                        } catch (RuntimeException e) {
                            // A scheduled task's exception would vanish with its future.
                            log.error("forwarding state rebuild failed", e);
                        }
                    },
                    delayNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: no state is needed any more.
        }
    }

    /** One config's balancer, resolver and monitors; its snapshots reach the packet path only while it is current. */
    private Generation buildGeneration(DsrConfig c) {
        RebuildPacer pacer =
                new RebuildPacer(Ticker.systemTicker(), RebuildPacer.DEFAULT_INTERVAL_NANOS, this::scheduleRebuild);
        LoadBalancer balancer = new LoadBalancer(c, Ticker.systemTicker(), Maglev.DEFAULT_TABLE_SIZE, pacer);
        balancer.subscribe(state -> {
            if (live.isCurrent(balancer)) {
                for (Lan lan : lans) {
                    lan.forwarder().publish(state);
                    lan.engine().publish(state);
                }
            }
        });
        List<ArpResolver> resolvers = new ArrayList<>();
        for (Lan lan : lans) {
            resolvers.add(new ArpResolver(
                    lan.io(),
                    balancer,
                    lan.nif().address(),
                    lan.nif().ipv6Address(),
                    a -> plan.indexOf(c, a) == lan.index(),
                    options.arpRefreshNanos(),
                    options.arpStaleNanos(),
                    System::nanoTime));
        }
        NetworkInterfaceInfo defaultLan = nifs.get(0);
        List<PacketIo> ios = lans.stream().map(Lan::io).toList();
        HealthMonitor health = new HealthMonitor(
                balancer,
                c.monitorBindings(),
                c.monitors(),
                m -> new TftpServiceProbe(
                        m, c, a -> ios.get(plan.indexOf(c, a)), defaultLan.address(), defaultLan.ipv6Address()));
        health.onProbe((service, monitor, result) -> {
            MetricsExporter m = probeMetrics;
            if (m != null && result.responseTime() != null) {
                m.observeProbe(
                        service, monitor, result.ok(), result.responseTime().toNanos() / 1e9);
            }
        });
        TransferTracker transfers = new TransferTracker(c.services().size(), IdleSweep.DRAIN_IDLE_NANOS);
        balancer.vservers().forEach(v -> v.useTransferCounts(transfers.activeCounts()));
        // The forwarders' counters outlive generations: every generation reports the same ones.
        LiveStatus status = new LiveStatus(balancer, counters, health, Clock.systemUTC()).withTransfers(transfers);
        return new Generation(c, balancer, resolvers, health, transfers, status, new LoadBalancerControl(balancer));
    }
}
