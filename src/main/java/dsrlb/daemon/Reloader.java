package dsrlb.daemon;

import dsrlb.config.ConfigException;
import dsrlb.config.ConfigFileSafety;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.config.VipConfig;
import dsrlb.net.IpAddress;
import dsrlb.status.NodeReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dsrlb reload} and SIGHUP: reads the config file again and, only if all of it is valid,
 * runs the new config in a new {@link Generation} with the old one's state carried over. A bad
 * file changes nothing; its {@code file:line: message} is logged and returned. So does an unsafe
 * one ({@link ConfigFileSafety}: owner, mode, directories), checked as at start.
 */
public final class Reloader {
    /** Each VLAN's id, interface and tagging: what only a restart applies. */
    private static List<String> vlanPorts(DsrConfig config) {
        return config.vlans().stream()
                .map(v -> v.id() + " " + v.ifnum() + " " + v.tagged())
                .toList();
    }

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    /** What became of one reload. */
    public record Outcome(boolean ok, String message) {}

    private final Path file;
    private final CurrentGeneration current;
    private final Function<DsrConfig, Generation> build;
    private final Consumer<Generation> swapIn;
    private final Function<DsrConfig, String> fitsInterfaces;
    private long generation = 1;
    private NodeReport.ConfigLoad lastLoad;

    /**
     * @param build makes a generation for a config, not started
     * @param swapIn points the packet path at a new generation (forwarder rebind, publish)
     */
    public Reloader(
            Path file, CurrentGeneration current, Function<DsrConfig, Generation> build, Consumer<Generation> swapIn) {
        this(file, current, build, swapIn, c -> null);
    }

    /**
     * @param fitsInterfaces why a config cannot run on the interfaces dsrlb serves, or null
     *     (config.InterfacePlan#mismatch: a service on another interface than its VIP)
     */
    public Reloader(
            Path file,
            CurrentGeneration current,
            Function<DsrConfig, Generation> build,
            Consumer<Generation> swapIn,
            Function<DsrConfig, String> fitsInterfaces) {
        this.fitsInterfaces = fitsInterfaces;
        this.file = file;
        this.current = current;
        this.build = build;
        this.swapIn = swapIn;
        this.lastLoad = new NodeReport.ConfigLoad(true, Instant.now(), "loaded " + file + " at start");
    }

    /** 1 for the config loaded at start, one more per accepted reload. */
    public synchronized long generation() {
        return generation;
    }

    /** The start's load or the last reload, accepted or refused. */
    public synchronized NodeReport.ConfigLoad lastLoad() {
        return lastLoad;
    }

    public synchronized Outcome reload() {
        // The same check as at start: a file that became writable by others (or was moved
        // somewhere they can replace it) is not read, whatever it holds.
        List<String> unsafe = ConfigFileSafety.problems(file);
        if (!unsafe.isEmpty()) {
            return refuse("unsafe config: " + String.join("; ", unsafe));
        }
        DsrConfig next;
        try {
            next = ConfigParser.load(file);
        } catch (ConfigException e) {
            return refuse(e.getMessage());
        } catch (IOException e) {
            return refuse(file + ": " + e.getMessage());
        }
        Generation old = current.get();
        List<IpAddress> before =
                old.config().vips().stream().map(VipConfig::address).toList();
        List<IpAddress> after = next.vips().stream().map(VipConfig::address).toList();
        if (!before.equals(after)) {
            // The capture filter, the ARP answers and the offload rules are built from the VIPs.
            return refuse(file + ": the VIPs changed; restart dsrlb to apply a new set of VIPs");
        }
        List<Integer> tagsBefore = before.stream().map(old.config()::tagOf).toList();
        List<Integer> tagsAfter = after.stream().map(next::tagOf).toList();
        if (!tagsBefore.equals(tagsAfter)) {
            // Gratuitous ARP and the kernel path's rules know each VIP's VLAN from the start.
            return refuse(file + ": a VIP moved to another VLAN; restart dsrlb to apply it");
        }
        List<String> portsBefore = vlanPorts(old.config());
        if (!portsBefore.equals(vlanPorts(next))) {
            // The interface dsrlb serves is chosen (and checked against -ifnum) at start.
            return refuse(file + ": a VLAN's -ifnum or -tagged changed; restart dsrlb to apply it");
        }
        String misfit = fitsInterfaces.apply(next);
        if (misfit != null) {
            return refuse(file + ": " + misfit);
        }
        next.notices().forEach(n -> log.info("{}", n));
        Generation fresh = build.apply(next);
        StateTransfer.Summary summary = StateTransfer.carry(old.balancer(), fresh.balancer());
        old.health().close();
        int adopted = fresh.health().adoptTrackers(old.health(), summary.unchanged());
        current.set(fresh);
        swapIn.accept(fresh);
        fresh.start();
        old.closeResolvers();
        String message = "reloaded " + file + ": " + summary + ", " + adopted + " monitors kept their state";
        log.info("{}", message);
        generation++;
        lastLoad = new NodeReport.ConfigLoad(true, Instant.now(), message);
        return new Outcome(true, message);
    }

    private Outcome refuse(String why) {
        log.error("reload refused, still running the previous config: {}", why);
        lastLoad = new NodeReport.ConfigLoad(false, Instant.now(), why);
        return new Outcome(false, why);
    }
}
