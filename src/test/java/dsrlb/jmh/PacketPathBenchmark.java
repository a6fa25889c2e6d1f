package dsrlb.jmh;

import static dsrlb.testing.FrameBuilder.frame;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.Maglev;
import dsrlb.balance.Persistence;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.TestConfigs;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.dataplane.Forwarder;
import dsrlb.dataplane.PacketIo;
import dsrlb.frame.Ipv4Packet;
import dsrlb.frame.L4Checksum;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The packet path in pieces, parse → pick → rewrite, and whole (Forwarder.handle on a
 * persisted client's TFTP ACK, checksum partial as veth hands it over). Run with lab/jmh;
 * `-prof gc` shows the allocation rate (it should be ~0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PacketPathBenchmark {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final int CLIENTS = 1024;
    static final int FIRST_CLIENT = Ipv4.parse("192.0.2.0");

    /** Persistence and round robin (the seed), or Maglev without a table. */
    @Param({"SOURCEIP", "SOURCEIPHASH"})
    public String method;

    private Forwarder forwarder;
    private Persistence persistence;
    private int[] maglev;
    private byte[][] acks;
    private byte[] buffer;
    private int next;

    /** Forgets what it is given: the interface is not what is measured. */
    static final class DiscardingIo implements PacketIo {
        @Override
        public int receive(byte[] b) {
            return 0;
        }

        @Override
        public void send(byte[] frame, int length) {}

        @Override
        public void wakeup() {}

        @Override
        public MacAddress mac() {
            return LB;
        }

        @Override
        public void close() {}
    }

    @Setup
    public void setUp() {
        var cfg = method.equals("SOURCEIP")
                ? TestConfigs.seed()
                : TestConfigs.anyStar(2, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 2, 1000);
        LoadBalancer lb = new LoadBalancer(cfg, new FakeTicker(), Maglev.DEFAULT_TABLE_SIZE);
        forwarder = Forwarder.following(lb, new DiscardingIo(), (f, arp, vlan) -> {});
        lb.setMac(0, MacAddress.parse("02:00:00:00:00:30"));
        lb.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        lb.setHealth(0, ServiceStatus.UP, "bench");
        lb.setHealth(1, ServiceStatus.UP, "bench");
        acks = new byte[CLIENTS][];
        for (int c = 0; c < CLIENTS; c++) {
            acks[c] = frame().eth(ROUTER, LB)
                    .ipv4(FIRST_CLIENT + c, TestConfigs.VIP)
                    .udp(40000, 50000)
                    .payload(new byte[] {0, 4, 0, 1})
                    .partialChecksum()
                    .build();
        }
        buffer = new byte[2048];
        persistence = new Persistence(Duration.ofMinutes(100), 1_000_000, new FakeTicker(), 2);
        for (int c = 0; c < CLIENTS; c++) {
            persistence.remember(FIRST_CLIENT + c, c & 1);
            handle(c);
        }
        LoadBalancer hashed = new LoadBalancer(
                TestConfigs.anyStar(2, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 2, 1000),
                new FakeTicker(),
                Maglev.DEFAULT_TABLE_SIZE);
        hashed.setMac(0, TFTP1);
        hashed.setMac(1, MacAddress.parse("02:00:00:00:00:31"));
        hashed.setHealth(0, ServiceStatus.UP, "bench");
        hashed.setHealth(1, ServiceStatus.UP, "bench");
        maglev = hashed.state().routesByVip()[0][0].pool().maglev();
    }

    private byte[] load(int c) {
        byte[] f = acks[c];
        System.arraycopy(f, 0, buffer, 0, f.length);
        return f;
    }

    private void handle(int c) {
        byte[] f = load(c);
        forwarder.handle(buffer, f.length);
    }

    private int nextClient() {
        next = (next + 1) & (CLIENTS - 1);
        return next;
    }

    /** The whole path: validate, match the vserver, pick (persistence or Maglev), rewrite, complete, send. */
    @Benchmark
    public void forwardAPersistedClientsAck() {
        handle(nextClient());
    }

    /** Parse only: the IPv4 header checks every frame goes through. */
    @Benchmark
    public int validateIpv4Header() {
        load(nextClient());
        return Ipv4Packet.validate(buffer, 14, 14 + 32);
    }

    /** Pick only, SOURCEIP: the Caffeine lookup with the mutable probe key. */
    @Benchmark
    public int persistenceLookup() {
        return persistence.lookup(FIRST_CLIENT + nextClient());
    }

    /** Pick only, SOURCEIPHASH: one hash and one table read. */
    @Benchmark
    public int maglevSlot() {
        int[] table = maglev;
        return table[Maglev.slot(FIRST_CLIENT + nextClient(), table.length)];
    }

    /** Rewrite only: two MACs and the checksum completion veth leaves to us. */
    @Benchmark
    public int rewriteMacsAndCompleteChecksum() {
        load(nextClient());
        TFTP1.writeTo(buffer, 0);
        LB.writeTo(buffer, 6);
        return L4Checksum.completeIfPartial(buffer, 14);
    }
}
