package dsrlb.balance;

import dsrlb.net.MacAddress;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per service: how often a MAC other than the one dsrlb learned answered ARP for the backend's
 * address, and the last such MAC. dsrlb keeps forwarding to the MAC it learned while that one
 * still answers (dataplane/ArpResolver): a spoofed or duplicate address is reported here,
 * never adopted.
 */
public final class MacConflicts {
    private final AtomicLongArray counts;
    private final AtomicReferenceArray<MacAddress> last;

    MacConflicts(int services) {
        counts = new AtomicLongArray(services);
        last = new AtomicReferenceArray<>(services);
    }

    public void record(int serviceId, MacAddress claimed) {
        counts.incrementAndGet(serviceId);
        last.set(serviceId, claimed);
    }

    public long count(int serviceId) {
        return counts.get(serviceId);
    }

    /** The last MAC that claimed the backend's address, or null if none ever did. */
    public MacAddress last(int serviceId) {
        return last.get(serviceId);
    }
}
