package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.ServiceView;
import dsrlb.net.MacAddress;

/**
 * A client the writer put into a VIP's kernel map: for which service, at which MAC, and when
 * (a client offered again soon after is assumed in flight, not lost).
 */
record InstalledClient(int serviceId, MacAddress mac, long writtenNanos) {
    /** Whether the service it was written for still takes its clients, at the MAC the kernel has. */
    boolean stillHeld(ForwardingState s) {
        ServiceView now = serviceId < s.services().length ? s.services()[serviceId] : null;
        return now != null && now.keepsPersistedClients() && mac.equals(now.mac());
    }

    /** The mirror's key: VIP index in the high half, client address in the low half. */
    static long key(int vip, int client) {
        return ((long) vip << 32) | (client & 0xffffffffL);
    }

    static int vipOf(long key) {
        return (int) (key >>> 32);
    }

    static int clientOf(long key) {
        return (int) key;
    }
}
