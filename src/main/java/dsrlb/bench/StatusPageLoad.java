package dsrlb.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.Maglev;
import dsrlb.balance.Persistence;
import dsrlb.config.ConfigException;
import dsrlb.config.ConfigParser;
import dsrlb.dataplane.Counters;
import dsrlb.metrics.MetricsExporter;
import dsrlb.status.LiveStatus;
import dsrlb.transfer.TransferTracker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;

/**
 * The status page served by the daemon's own HTTP listener (the metrics one) with a given number
 * of persisted clients: a {@link LoadBalancer} from a seed-like config whose SOURCEIP table is
 * filled, its {@link LiveStatus}, a {@link MetricsExporter} on loopback, and a client that loads
 * what a browser loads (the page, its script and style, then the JSON) and times it.
 */
public final class StatusPageLoad implements AutoCloseable {
    /** What a browser fetches before the page shows numbers, in its order (app.js asks for 15 transfers). */
    public static final List<String> PAGE = List.of("/", "/app.js", "/app.css", "/status.json?transfers=15");

    private final LoadBalancer balancer;
    private final MetricsExporter exporter;
    private final HttpClient client;
    private final URI base;

    /** Starts a listener on an ephemeral loopback port with {@code clients} persisted clients. */
    public StatusPageLoad(int clients) throws IOException {
        String config = String.join(
                "\n",
                "add ns ip 198.51.100.20 255.255.255.255 -type VIP",
                "add server 198.51.100.30 198.51.100.30",
                "add server 198.51.100.31 198.51.100.31",
                "add service tftp1 198.51.100.30 ANY *",
                "add service tftp2 198.51.100.31 ANY *",
                "add lb vserver tftp ANY 198.51.100.20 * -persistenceType SOURCEIP -timeout 100 -lbMethod ROUNDROBIN"
                        + " -persistenceMaxEntries " + Math.max(1, clients),
                "bind lb vserver tftp tftp1",
                "bind lb vserver tftp tftp2",
                "");
        try {
            balancer = new LoadBalancer(
                    ConfigParser.parse("bench-status.conf", config), Ticker.systemTicker(), Maglev.DEFAULT_TABLE_SIZE);
        } catch (ConfigException e) {
            throw new IllegalStateException("the bench's own config: " + e.getMessage(), e);
        }
        Persistence table = balancer.vservers().get(0).persistence();
        int first = 0xc6120000; // 198.18.0.0 upwards (the benchmarking range): distinct addresses
        for (int i = 0; i < clients; i++) {
            table.remember(first + i, i & 1);
        }
        if (table.size() != clients) {
            throw new IllegalStateException("table holds " + table.size() + " of " + clients);
        }
        TransferTracker transfers = new TransferTracker(balancer.services().size(), 3_000_000_000L);
        LiveStatus status = new LiveStatus(balancer, new Counters(), null, Clock.systemUTC()).withTransfers(transfers);
        exporter = new MetricsExporter(status).start(InetAddress.getLoopbackAddress(), 0);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        base = URI.create("http://127.0.0.1:" + exporter.port());
    }

    /** Persisted clients as the status reports them, summed over the services. */
    public long persistedClients() {
        long n = 0;
        for (int id = 0; id < balancer.services().size(); id++) {
            n += balancer.vservers().get(0).persistence().clients(id);
        }
        return n;
    }

    /** Nanoseconds to GET {@code path} and read the whole body; fails on anything but 200. */
    public long get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).GET().build();
        long start = System.nanoTime();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long took = System.nanoTime() - start;
        if (response.statusCode() != 200 || response.body().length == 0) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return took;
    }

    /** The body of {@code path}, as text. */
    public String body(String path) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Nanoseconds to load {@link #PAGE}, one request after the other as a first visit does. */
    public long page() throws IOException, InterruptedException {
        long sum = 0;
        for (String path : PAGE) {
            sum += get(path);
        }
        return sum;
    }

    /** What the status computed per request before the counts were kept: one walk of the whole table. */
    public long walkNanos() {
        long[] perService = new long[balancer.services().size()];
        long start = System.nanoTime();
        balancer.vservers().get(0).persistence().forEach((high, low, id) -> perService[id]++);
        long took = System.nanoTime() - start;
        if (perService[0] + perService[1] != persistedClients()) {
            throw new IllegalStateException("the walk and the counts disagree");
        }
        return took;
    }

    @Override
    public void close() {
        exporter.close();
    }
}
