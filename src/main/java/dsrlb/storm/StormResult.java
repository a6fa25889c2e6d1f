package dsrlb.storm;

import dsrlb.tftp.FailureKind;
import dsrlb.tftp.TftpRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A finished storm: every client's result in the order of the sources, and the time from the
 * common start to the last client's end.
 *
 * @param request what every client asked (its server, local address and total bound set per
 *        client), with the first target as its server
 * @param targets the storm's servers in order, which the clients took in turn
 * @param maxTime the storm's bound
 * @param clients one result per client, in source order
 * @param started the common start, by the wall clock
 * @param wall from the common start to the end of the last client
 */
public record StormResult(
        TftpRequest request,
        List<InetAddress> targets,
        Duration maxTime,
        List<ClientResult> clients,
        Instant started,
        Duration wall) {
    public StormResult {
        Objects.requireNonNull(request, "request");
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a storm has a target");
        }
        Objects.requireNonNull(maxTime, "maxTime");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(wall, "wall");
        clients = List.copyOf(clients);
    }

    /** The clients that fetched from {@code target}, in source order. */
    public List<ClientResult> clientsOf(InetAddress target) {
        return clients.stream().filter(c -> c.target().equals(target)).toList();
    }

    public int completed() {
        return (int) clients.stream().filter(ClientResult::ok).count();
    }

    public int failed() {
        return clients.size() - completed();
    }

    public boolean allCompleted() {
        return failed() == 0;
    }

    /** Content bytes received by all clients, failed ones included (what crossed the wire in order). */
    public long bytes() {
        return clients.stream().mapToLong(ClientResult::bytes).sum();
    }

    public long retransmissions() {
        return clients.stream().mapToLong(ClientResult::retransmissions).sum();
    }

    public long duplicates() {
        return clients.stream().mapToLong(ClientResult::duplicates).sum();
    }

    /** Completion times (common start to last ACK) of the clients that completed. */
    public Percentiles completionTimes() {
        return Percentiles.of(clients.stream()
                .filter(ClientResult::ok)
                .map(ClientResult::completion)
                .toList());
    }

    /** All bytes received over the wall time, in MiB/s; 0 when no time passed. */
    public double mibPerSecond() {
        double s = wall.toNanos() / 1e9;
        return s <= 0 ? 0 : bytes() / (1024.0 * 1024.0) / s;
    }

    public List<ClientResult> failures() {
        return clients.stream().filter(c -> !c.ok()).toList();
    }

    /** How many clients failed for each reason kind, in the enum's order. */
    public Map<FailureKind, Integer> failuresByKind() {
        Map<FailureKind, Integer> m = new EnumMap<>(FailureKind.class);
        failures().forEach(c -> m.merge(c.kind(), 1, Integer::sum));
        return m;
    }

    /** The distinct hashes of the completed clients' files (one when all got the same content). */
    public Set<String> distinctSha256() {
        Set<String> s = new TreeSet<>();
        clients.stream()
                .filter(ClientResult::ok)
                .map(ClientResult::sha256)
                .filter(Objects::nonNull)
                .forEach(s::add);
        return s;
    }
}
