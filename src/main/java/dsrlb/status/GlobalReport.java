package dsrlb.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forwarder's counters for the whole interface, in {@code stat lb vserver}.
 *
 * @param time when the daemon took these numbers, so scripts can compute rates
 * @param lastVipArpConflict the last host other than dsrlb that answered ARP for a VIP, or null
 * @param drops dropped frames by reason (lower-case reason names, every reason, zeros included)
 * @param kernelPath the offload engine's kernel side, or null (and not in the JSON) without one
 * @param transfers TFTP transfers, or null (and not in the JSON) without transfer tracking
 * @param engine the packet engine that runs (pcap, native, offload), or null (and not in the JSON)
 *     when not known
 * @param stateRebuilds forwarding states built since start (learned MACs are coalesced, at most
 *     one such rebuild per 100 ms, so no flood of frames drives this up)
 */
// The order scripts have always seen: transfers before kernelPath.
@JsonPropertyOrder({
    "time",
    "received",
    "forwarded",
    "checksumsCompleted",
    "arpRepliesSent",
    "vipArpConflicts",
    "lastVipArpConflict",
    "drops",
    "transfers",
    "kernelPath",
    "engine",
    "stateRebuilds"
})
public record GlobalReport(
        Instant time,
        long received,
        long forwarded,
        long checksumsCompleted,
        long arpRepliesSent,
        long vipArpConflicts,
        @Json.Nullable VipArpConflict lastVipArpConflict,
        Map<String, Long> drops,

        @Json.Nullable @JsonInclude(JsonInclude.Include.NON_NULL)
        KernelPath kernelPath,

        @Json.Nullable @JsonInclude(JsonInclude.Include.NON_NULL)
        Transfers transfers,

        @Json.Nullable @JsonInclude(JsonInclude.Include.NON_NULL)
        String engine,

        long stateRebuilds) {
    public GlobalReport {
        drops = Collections.unmodifiableMap(new LinkedHashMap<>(drops));
    }

    /** Without the offload engine: dsrlb forwards every packet itself. */
    public GlobalReport(
            Instant time,
            long received,
            long forwarded,
            long checksumsCompleted,
            long arpRepliesSent,
            long vipArpConflicts,
            VipArpConflict lastVipArpConflict,
            Map<String, Long> drops) {
        this(
                time,
                received,
                forwarded,
                checksumsCompleted,
                arpRepliesSent,
                vipArpConflicts,
                lastVipArpConflict,
                drops,
                null,
                null,
                null,
                0);
    }

    /** The same numbers with the engine's name and its kernel side (null without one). */
    public GlobalReport withEngine(String engineName, KernelPath kernel) {
        return with(kernel, transfers, engineName);
    }

    /**
     * The same numbers with at most {@code listed} transfers in progress and {@code listed} finished
     * ones: what a reader that shows that many needs (the status page), a smaller document to
     * write and to parse every second.
     */
    public GlobalReport listing(int listed) {
        if (transfers == null
                || (transfers.inProgress().size() <= listed
                        && transfers.recent().size() <= listed)) {
            return this;
        }
        return with(kernelPath, transfers.listing(listed), engine);
    }

    /** The same counters with these parts of what an engine and the transfer table add. */
    private GlobalReport with(KernelPath kernel, Transfers transferTable, String engineName) {
        return new GlobalReport(
                time,
                received,
                forwarded,
                checksumsCompleted,
                arpRepliesSent,
                vipArpConflicts,
                lastVipArpConflict,
                drops,
                kernel,
                transferTable,
                engineName,
                stateRebuilds);
    }

    /**
     * TFTP transfers seen (an RRQ starts one, 3 s without a client packet ends it).
     *
     * @param untracked RRQs the transfer table had no room for
     * @param inProgress the newest transfers still running (at most 100); empty from a daemon that
     *     does not list them
     * @param recent the last finished ones, newest first (at most 50)
     */
    public record Transfers(
            long started,
            long finished,
            long untracked,
            List<Count> topFiles,
            List<Count> topClients,
            @Json.Nullable List<Transfer> inProgress,
            @Json.Nullable List<Transfer> recent) {
        public Transfers {
            topFiles = List.copyOf(topFiles);
            topClients = List.copyOf(topClients);
            inProgress = inProgress == null ? List.of() : List.copyOf(inProgress);
            recent = recent == null ? List.of() : List.copyOf(recent);
        }

        /** The same counts, the first {@code listed} of each list. */
        public Transfers listing(int listed) {
            return new Transfers(
                    started,
                    finished,
                    untracked,
                    topFiles,
                    topClients,
                    inProgress.subList(0, Math.min(listed, inProgress.size())),
                    recent.subList(0, Math.min(listed, recent.size())));
        }

        /** Counts only, no list of transfers. */
        public Transfers(long started, long finished, long untracked, List<Count> topFiles, List<Count> topClients) {
            this(started, finished, untracked, topFiles, topClients, List.of(), List.of());
        }
    }

    /**
     * One transfer: who asked which service for what, when, and for how long it ran (so far).
     *
     * @param file the requested file name, or null until the daemon has read it (within a second)
     * @param seconds RRQ to the client's last packet; the time so far for one in progress
     */
    public record Transfer(
            String client,
            String service,
            @Json.Nullable String file,
            Instant started,

            @JsonProperty("seconds") @Json.Micros Duration seconds) {}

    /** A file name or client with its number of requests. */
    public record Count(String key, long requests) {}

    /**
     * The offload engine's kernel side, as last read back (every --offload-sync).
     *
     * @param packets frames the kernel forwarded without dsrlb
     * @param clients clients in the kernel's maps
     * @param failures nft batches or elements refused
     * @param tableRestores times the table was removed from outside dsrlb and put back
     * @param mapFull decisions not written because the map was full (those clients stay in user space)
     */
    public record KernelPath(
            long packets,
            long bytes,
            long clients,
            long installs,
            long removals,
            long failures,
            long tableRestores,
            long mapFull) {
        /** Both kernel sides together (dsrlb on several interfaces, a kernel table each). */
        public KernelPath plus(KernelPath other) {
            return new KernelPath(
                    packets + other.packets,
                    bytes + other.bytes,
                    clients + other.clients,
                    installs + other.installs,
                    removals + other.removals,
                    failures + other.failures,
                    tableRestores + other.tableRestores,
                    mapFull + other.mapFull);
        }
    }

    /** A MAC other than dsrlb's claiming a VIP: a backend with arp_ignore/arp_announce wrong. */
    public record VipArpConflict(String vip, String mac, Instant lastSeen) {}
}
