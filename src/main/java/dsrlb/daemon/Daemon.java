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
import dsrlb.config.VipConfig;
import dsrlb.control.AccessPolicy;
import dsrlb.control.ControlResponder;
import dsrlb.control.ControlServer;
import dsrlb.control.StatusResponder;
import dsrlb.dataplane.ArpResolver;
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
import dsrlb.status.LiveStatus;
import dsrlb.status.NodeReport;
import dsrlb.status.StatusSource;
import dsrlb.systemd.SystemdNotifier;
import dsrlb.transfer.TransferTracker;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
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
 * The running dsrlb: the packet engine, the forwarder and its receive thread, the config's
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
    private final NetworkInterfaceInfo nif;
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

    private PacketEngine engine;
    /** Outlives generations, as do its counters; made as soon as the engine is open. */
    private Forwarder forwarder;

    public Daemon(DaemonOptions options, DsrConfig cfg, NetworkInterfaceInfo nif) {
        this.options = options;
        this.cfg = cfg;
        this.nif = nif;
    }

    /** Starts everything and blocks until a signal has stopped it again. */
    public void run() throws StartFailure, InterruptedException {
        Engines.Choice choice;
        try {
            choice = Engines.open(options.engine(), cfg, nif, options.engineOptions());
        } catch (EngineUnavailableException e) {
            throw new StartFailure("--engine " + e.kind().cliName() + ": " + e.getMessage(), e, true);
        }
        engine = choice.engine();
        choice.skipped().forEach(s -> log.info("engine auto: {}", s));
        log.info(
                "engine {}{}",
                engine.kind().cliName(),
                options.engine() == EngineKind.AUTO ? " (chosen by --engine auto)" : "");
        PacketIo io = engine.packetIo();

        forwarder = new Forwarder(io);
        Generation first = buildGeneration(cfg);
        live.install(first);
        bind(first);
        engine.start(() -> live.get().balancer(), () -> live.get().transfers());
        Reloader reloader = new Reloader(options.configFile(), live, this::buildGeneration, g -> {
            bind(g);
            engine.newGeneration(g.config(), g.balancer().state());
        });
        forwarder.setActive(!options.standby());
        engine.setActive(!options.standby());
        int[] vipAddresses = cfg.vips().stream()
                .map(VipConfig::address)
                .filter(IpAddress::isIpv4)
                .mapToInt(IpAddress::ipv4)
                .toArray();
        IpAddress[] vip6Addresses = cfg.vips().stream()
                .map(VipConfig::address)
                .filter(IpAddress::isIpv6)
                .toArray(IpAddress[]::new);
        VipOwnership ownership = new VipOwnership(
                forwarder,
                io,
                vipAddresses,
                Arrays.stream(vipAddresses).map(cfg::tagOf).toArray(),
                vip6Addresses,
                Arrays.stream(vip6Addresses).mapToInt(cfg::tagOf).toArray());
        TunInterface tun = null;
        Announcer announcer = null;
        if (options.announceInterface() != null) {
            try {
                tun = TunInterface.open(options.announceInterface());
            } catch (IOException e) {
                live.get().close();
                engine.close();
                throw new StartFailure(
                        "--announce-interface " + options.announceInterface() + ": " + e.getMessage(), e);
            }
            announcer = new Announcer(
                    tun,
                    ownership::isActive,
                    () -> live.get().balancer().state().anyServiceUp());
        }
        TunInterface announceLink = tun;
        Announcer announce = announcer;
        VipOwnershipControl ha = new VipOwnershipControl(ownership, engine, announcer);
        String version =
                Objects.requireNonNullElse(Daemon.class.getPackage().getImplementationVersion(), "development");
        StatusSource status = new EngineStatus(
                live,
                engine.kind().cliName(),
                engine::kernelPath,
                () -> new NodeReport(
                        version,
                        engine.kind().cliName(),
                        ownership.isActive() ? NodeReport.ACTIVE : NodeReport.STANDBY,
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
            engine.close();
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
                engine.close();
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
        ReceiveLoop loop = new ReceiveLoop(io, forwarder, options.realtimePriority(), Daemon::exitOnDeadForwarder);
        SystemdSupervision systemd = new SystemdSupervision(SystemdNotifier.fromEnvironment(), loop);
        Thread rx = new Thread(loop, "dsrlb-rx-" + nif.name());

        StartStopLog.started(nif, engine.kind().cliName(), cfg);

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
                    loop.stop();
                    io.wakeup();
                    try {
                        rx.join(2_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    long kernelDrops = io.droppedByKernel();
                    StartStopLog.counters(forwarder.counters(), live.get().balancer(), kernelDrops);
                    if (rx.isAlive()) {
                        // Closing under a blocked reader would hang the JVM's exit; the OS closes it.
                        log.warn("receive thread did not stop; leaving the capture handle to the OS");
                    } else {
                        engine.close();
                    }
                    // After close: the kernel side's counters are read a last time as it closes.
                    String summary = engine.stopSummary();
                    if (summary != null) {
                        log.info("{}", summary);
                    }
                    stopped.countDown();
                },
                "dsrlb-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        rx.start();
        if (options.standby()) {
            log.info("HA standby: silent for {} until `dsrlb ha active`", vipList());
        } else {
            ownership.announce();
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
                engine.kind().cliName());
        log.info("ready: {}", ready);
        systemd.ready(ready);
        systemd.startWatchdog(drains);
        stopped.await();
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
     * Points the forwarder at a current generation: its resolver hears ARP; its balancer's
     * counters, the engine's kernel path and its transfer table hear of each forwarded frame.
     */
    private void bind(Generation g) {
        forwarder.rebind(
                g.resolver(), ForwardedFrameListener.countingFor(g.balancer()), engine.decisions(), g.transfers());
        forwarder.publish(g.balancer().state());
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
        PacketIo io = engine.packetIo();
        RebuildPacer pacer =
                new RebuildPacer(Ticker.systemTicker(), RebuildPacer.DEFAULT_INTERVAL_NANOS, this::scheduleRebuild);
        LoadBalancer balancer = new LoadBalancer(c, Ticker.systemTicker(), Maglev.DEFAULT_TABLE_SIZE, pacer);
        balancer.subscribe(state -> {
            if (live.isCurrent(balancer)) {
                forwarder.publish(state);
                engine.publish(state);
            }
        });
        ArpResolver resolver = new ArpResolver(
                io,
                balancer,
                nif.address(),
                nif.ipv6Address(),
                options.arpRefreshNanos(),
                options.arpStaleNanos(),
                System::nanoTime);
        HealthMonitor health = new HealthMonitor(
                balancer,
                c.monitorBindings(),
                c.monitors(),
                m -> new TftpServiceProbe(m, c, io, nif.address(), nif.ipv6Address()));
        health.onProbe((service, monitor, result) -> {
            MetricsExporter m = probeMetrics;
            if (m != null && result.responseTime() != null) {
                m.observeProbe(
                        service, monitor, result.ok(), result.responseTime().toNanos() / 1e9);
            }
        });
        TransferTracker transfers = new TransferTracker(c.services().size(), IdleSweep.DRAIN_IDLE_NANOS);
        balancer.vservers().forEach(v -> v.useTransferCounts(transfers.activeCounts()));
        // The forwarder's counters outlive generations: every generation reports the same ones.
        LiveStatus status =
                new LiveStatus(balancer, forwarder.counters(), health, Clock.systemUTC()).withTransfers(transfers);
        return new Generation(c, balancer, resolver, health, transfers, status, new LoadBalancerControl(balancer));
    }
}
