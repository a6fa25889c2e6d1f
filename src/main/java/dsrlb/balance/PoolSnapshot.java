package dsrlb.balance;

import dsrlb.config.LbMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * The services of one vserver that can take new clients right now, in binding order, with
 * what the lb method needs precomputed (the Maglev table). Built by the control plane when a
 * service changes, never on the packet path.
 *
 * @param positions binding positions of the eligible services (index into the vserver's bindings)
 * @param serviceIds their service ids
 * @param weights their weights
 * @param maglev slot → index into {@code serviceIds}, for SOURCEIPHASH; empty otherwise
 */
// Arrays, not lists: the packet path indexes them per pick without boxing or bounds objects.
@SuppressWarnings("ArrayRecordComponent")
public record PoolSnapshot(int[] positions, int[] serviceIds, int[] weights, int[] maglev) {
    public static PoolSnapshot of(
            LbMethod method, List<BoundService> bindings, ServiceView[] services, int maglevSize) {
        List<BoundService> eligible = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int p = 0; p < bindings.size(); p++) {
            if (services[bindings.get(p).serviceId()].eligible()) {
                eligible.add(bindings.get(p));
                positions.add(p);
            }
        }
        int[] ids = eligible.stream().mapToInt(BoundService::serviceId).toArray();
        int[] weights = eligible.stream().mapToInt(BoundService::weight).toArray();
        int[] maglev = method == LbMethod.SOURCEIPHASH
                ? Maglev.build(
                        eligible.stream().map(BoundService::name).toList(),
                        weights,
                        Maglev.tableSizeFor(bindings.size(), maglevSize))
                : new int[0];
        return new PoolSnapshot(positions.stream().mapToInt(Integer::intValue).toArray(), ids, weights, maglev);
    }

    public boolean isEmpty() {
        return serviceIds.length == 0;
    }

    /** A service bound to a vserver. */
    public record BoundService(int serviceId, String name, int weight) {}
}
