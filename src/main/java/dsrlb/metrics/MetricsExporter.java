package dsrlb.metrics;

import dsrlb.balance.ServiceStatus;
import dsrlb.status.GlobalReport;
import dsrlb.status.GlobalReport.KernelPath;
import dsrlb.status.NodeReport;
import dsrlb.status.ServiceReport;
import dsrlb.status.StatusSource;
import dsrlb.status.VserverReport;
import dsrlb.web.StatusPage;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * Prometheus metrics over HTTP ({@code /metrics}), with the official client library. Every
 * metric is a callback that reads the daemon's status source at scrape time (the same numbers
 * as {@code dsrlb show/stat}): nothing is added to the packet path.
 */
public final class MetricsExporter implements AutoCloseable {
    /**
     * The name (and prefix, "dsrlb-http-N") of the threads that answer HTTP requests: within the
     * 15 characters Linux keeps of a thread's name, so that lab/bench can sum their CPU time from
     * /proc/PID/task/TID/stat (the library's own "prometheus-http-1-1" is cut to "prometheus-http").
     */
    public static final String HTTP_THREAD_PREFIX = "dsrlb-http-";

    /** Scrapes within this long of each other share one snapshot (each callback reads the same one). */
    private static final long SNAPSHOT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final StatusSource status;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private HTTPServer server;
    private volatile StatusPage page;
    private Snapshot snapshot;

    private record Snapshot(
            long takenNanos,
            List<ServiceReport> services,
            List<VserverReport> vservers,
            GlobalReport global,
            NodeReport node) {}

    private final io.prometheus.metrics.core.metrics.Histogram monitorResponse;
    private final io.prometheus.metrics.core.metrics.Histogram transferSeconds;

    public MetricsExporter(StatusSource status) {
        this.status = status;
        register();
        monitorResponse = io.prometheus.metrics.core.metrics.Histogram.builder()
                .name("dsrlb_monitor_response_seconds")
                .help("Response time of each monitor probe (a whole TFTP download), failed ones included")
                .labelNames("service", "monitor", "result")
                .classicOnly()
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        transferSeconds = io.prometheus.metrics.core.metrics.Histogram.builder()
                .name("dsrlb_transfer_seconds")
                .help("TFTP transfers through dsrlb: RRQ to the client's last packet (ended by 3 s of silence)")
                .labelNames("service")
                .classicOnly()
                .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
                .register(registry);
    }

    /** A TFTP transfer ended (its client went quiet): RRQ to last client packet, into dsrlb_transfer_seconds. */
    public void observeTransfer(String service, double seconds) {
        transferSeconds.labelValues(service).observe(seconds);
    }

    /** A probe finished: observed into dsrlb_monitor_response_seconds. */
    public void observeProbe(String service, String monitor, boolean ok, double seconds) {
        monitorResponse
                .labelValues(service, monitor, ok ? "success" : "failure")
                .observe(seconds);
    }

    /** The registry with dsrlb's metrics (for tests, or another exporter). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Serves {@code /metrics}, and the status page at {@code /} with {@code /status.json}, on
     * {@code address:port} (port 0: an ephemeral one, see {@link #port()}).
     */
    public MetricsExporter start(InetAddress address, int port) throws IOException {
        // The JDK's HttpServer (under the library's) writes a response's headers and body apart; with
        // Nagle on, the body waits for the client's delayed ACK, 40 ms a request on Linux: the page
        // (4 requests) took 170 ms from loopback (dsrlb bench status). Read once, when the first
        // server starts: this is the daemon's only one.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        page = new StatusPage(status);
        server = HTTPServer.builder()
                .inetAddress(address)
                .port(port)
                .registry(registry)
                .executorService(httpExecutor())
                // The library's "/" context gets every path but its own: the page answers them (404 if unknown).
                .defaultHandler(page)
                .buildAndStart();
        return this;
    }

    /**
     * The pool the library would make (1 to 10 daemon threads, idle ones end after 120 s, a request
     * with none free waits for one), with threads named {@link #HTTP_THREAD_PREFIX}N, and one more
     * per status stream: a stream holds a thread only while an event is written to it, for good
     * while its client stops reading (StatusEvents), and the requests keep their 10 even then. The
     * server's close() shuts it down.
     */
    private static ExecutorService httpExecutor() {
        AtomicInteger n = new AtomicInteger(1);
        return new ThreadPoolExecutor(
                1,
                10 + StatusPage.MAX_STREAMS,
                120,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(true),
                r -> {
                    Thread t = new Thread(r, HTTP_THREAD_PREFIX + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                },
                (r, pool) -> {
                    if (!pool.isShutdown()) {
                        try {
                            pool.getQueue().put(r);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        if (page != null) {
            // The page's event streams end with their last chunk first: the server's stop closes
            // the connections it still has.
            page.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Parses {@code HOST:PORT} ({@code [::1]:10069} for IPv6).
     *
     * @throws IllegalArgumentException with a message for the operator
     */
    public static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, e.g. 127.0.0.1:10069, got " + hostPort);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + hostPort);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad port in " + hostPort);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new IllegalArgumentException("unknown host " + host);
        }
    }

    private synchronized Snapshot snapshot() {
        long now = System.nanoTime();
        if (snapshot == null || now - snapshot.takenNanos() > SNAPSHOT_NANOS) {
            snapshot = new Snapshot(now, status.services(), status.vservers(), status.global(), status.node());
        }
        return snapshot;
    }

    private void register() {
        // Counters: the library adds the _total suffix in the exposition.
        CounterWithCallback.builder()
                .name("dsrlb_service_forwarded_packets")
                .help("Packets forwarded to the service's MAC")
                .labelNames("service")
                .callback(cb -> snapshot().services().forEach(s -> cb.call((double) s.packetsForwarded(), s.name())))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_service_forwarded_bytes")
                .help("Bytes (whole Ethernet frames) forwarded to the service's MAC")
                .labelNames("service")
                .callback(cb -> snapshot().services().forEach(s -> cb.call((double) s.bytesForwarded(), s.name())))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_service_mac_conflicts")
                .help("ARP replies for the service's address from a MAC other than the one learned (not adopted:"
                        + " a spoofer or a duplicate address)")
                .labelNames("service")
                .callback(cb -> snapshot().services().forEach(s -> cb.call((double) s.macConflicts(), s.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_service_persisted_clients")
                .help("Clients that SOURCEIP persistence sends to the service, over all vservers")
                .labelNames("service")
                .callback(cb -> snapshot().services().forEach(s -> cb.call((double) s.persistedClients(), s.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_service_up")
                .help("1 while the service is UP (receives new clients), else 0")
                .labelNames("service")
                .callback(cb -> snapshot()
                        .services()
                        .forEach(s -> cb.call(s.state().equals(ServiceStatus.UP.label()) ? 1 : 0, s.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_service_state")
                .help("1 for the service's current state (up, down, going_out_of_service, out_of_service), 0 for the"
                        + " others")
                .labelNames("service", "state")
                .callback(cb -> snapshot().services().forEach(s -> {
                    for (ServiceStatus st : ServiceStatus.values()) {
                        cb.call(s.state().equals(st.label()) ? 1 : 0, s.name(), stateLabel(st));
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_monitor_last_response_seconds")
                .help("How long the monitor's last probe of the service took")
                .labelNames("service", "monitor")
                .callback(cb -> snapshot()
                        .services()
                        .forEach(s -> s.monitors().forEach(m -> {
                            if (m.lastProbe() != null && m.lastProbe().responseTime() != null) {
                                cb.call(m.lastProbe().responseTime().toNanos() / 1e9, s.name(), m.name());
                            }
                        })))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_monitor_up")
                .help("1 while the monitor's verdict on the service is UP, else 0")
                .labelNames("service", "monitor")
                .callback(cb -> snapshot()
                        .services()
                        .forEach(s -> s.monitors()
                                .forEach(m -> cb.call(
                                        m.state().equals(ServiceStatus.UP.label()) ? 1 : 0, s.name(), m.name()))))
                .register(registry);

        CounterWithCallback.builder()
                .name("dsrlb_vserver_picks")
                .help("Packets given a service by the lb method: with persistence a client's first packet (and re-picks"
                        + " after its service left), without persistence every packet")
                .labelNames("vserver")
                .callback(cb -> snapshot().vservers().forEach(v -> cb.call((double) v.newClients(), v.name())))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_vserver_persistence_hits")
                .help("Packets that went where persistence said")
                .labelNames("vserver")
                .callback(cb -> snapshot().vservers().forEach(v -> cb.call((double) v.persistenceHits(), v.name())))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_vserver_repicks")
                .help("Persisted clients whose service was no longer UP and who were given another")
                .labelNames("vserver")
                .callback(cb -> snapshot().vservers().forEach(v -> cb.call((double) v.repicks(), v.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_vserver_persistence_entries")
                .help("Clients in the vserver's SOURCEIP persistence table")
                .labelNames("vserver")
                .callback(cb ->
                        snapshot().vservers().forEach(v -> cb.call((double) v.persistenceTableSize(), v.name())))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_vserver_persistence_evictions")
                .help("Clients the persistence table dropped: idle past -timeout or over -persistenceMaxEntries")
                .labelNames("vserver")
                .callback(cb ->
                        snapshot().vservers().forEach(v -> cb.call((double) v.persistenceEvictions(), v.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_service_active_transfers")
                .help("TFTP transfers in progress on the service (an RRQ seen, its client not silent for 3 s)")
                .labelNames("service")
                .callback(cb -> snapshot().services().forEach(s -> cb.call((double) s.activeTransfers(), s.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_vserver_up")
                .help("1 while any service bound to the vserver is UP, else 0")
                .labelNames("vserver")
                .callback(cb -> snapshot()
                        .vservers()
                        .forEach(v -> cb.call(v.state().equals(ServiceStatus.UP.label()) ? 1 : 0, v.name())))
                .register(registry);

        CounterWithCallback.builder()
                .name("dsrlb_received_packets")
                .help("Frames received on the interface (ARP and IPv4 to a VIP)")
                .callback(cb -> cb.call((double) snapshot().global().received()))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_forwarded_packets")
                .help("Frames forwarded to a backend (the sum of dsrlb_service_forwarded_packets)")
                .callback(cb -> cb.call((double) snapshot().global().forwarded()))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_dropped_packets")
                .help("Frames not forwarded, by reason")
                .labelNames("reason")
                .callback(cb -> {
                    for (Map.Entry<String, Long> e : snapshot().global().drops().entrySet()) {
                        cb.call(e.getValue(), e.getKey());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_checksums_completed")
                .help("Partial UDP/TCP checksums (left by offload) completed before forwarding")
                .callback(cb -> cb.call((double) snapshot().global().checksumsCompleted()))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_arp_replies_sent")
                .help("ARP replies sent for the VIPs")
                .callback(cb -> cb.call((double) snapshot().global().arpRepliesSent()))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_vip_arp_conflicts")
                .help("ARP packets from another MAC claiming a VIP (a backend with arp_ignore/arp_announce wrong)")
                .callback(cb -> cb.call((double) snapshot().global().vipArpConflicts()))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_state_rebuilds")
                .help("Forwarding states built (a MAC learned or lost, a health verdict, enable/disable); learned MACs"
                        + " are coalesced to at most one rebuild per 100 ms")
                .callback(cb -> cb.call((double) snapshot().global().stateRebuilds()))
                .register(registry);
        // Only with the kernel path (--engine offload, or auto's choice of it); absent series
        // otherwise (a zero would read as "kernel idle").
        kernelCounter(
                "dsrlb_kernel_forwarded_packets",
                "Frames the kernel forwarded for dsrlb's clients (read every --offload-sync)",
                KernelPath::packets);
        GaugeWithCallback.builder()
                .name("dsrlb_kernel_clients")
                .help("Clients in the kernel's maps")
                .callback(cb -> kernel().ifPresent(k -> cb.call((double) k.clients())))
                .register(registry);
        kernelCounter(
                "dsrlb_kernel_table_restores",
                "Times dsrlb's nftables table was removed from outside (nft flush ruleset) and put back",
                KernelPath::tableRestores);
        kernelCounter(
                "dsrlb_kernel_map_full",
                "Decisions not written to the kernel because the vserver's map was full (served in user space)",
                KernelPath::mapFull);
        NodeMetrics.register(registry, status, () -> snapshot().node());
        // The status page's own traffic: a page open pushed to makes no /status.json request.
        CounterWithCallback.builder()
                .name("dsrlb_status_json_requests")
                .help("Requests of /status.json answered (scripts, and pages that cannot take the pushed stream)")
                .callback(cb -> cb.call((double) (page == null ? 0 : page.jsonRequests())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dsrlb_status_streams")
                .help("Status pages open on /status.events, the document pushed every second")
                .callback(cb -> cb.call(page == null ? 0 : page.openStreams()))
                .register(registry);
        CounterWithCallback.builder()
                .name("dsrlb_status_streams_refused")
                .help("Requests of /status.events refused (503) because " + StatusPage.MAX_STREAMS
                        + " streams were open; those pages poll /status.json")
                .callback(cb -> cb.call((double) (page == null ? 0 : page.refusedStreams())))
                .register(registry);
    }

    /** A state as a label value: snake case, as Prometheus label values are (no spaces). */
    static String stateLabel(ServiceStatus state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private Optional<KernelPath> kernel() {
        return Optional.ofNullable(snapshot().global().kernelPath());
    }

    private void kernelCounter(String name, String help, ToLongFunction<KernelPath> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> kernel().ifPresent(k -> cb.call((double) value.applyAsLong(k))))
                .register(registry);
    }
}
