package dsrlb.offload;

import dsrlb.balance.ForwardingState;
import dsrlb.balance.ServiceView;
import dsrlb.net.IpAddress;
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

    /**
     * The mirror's key: a VIP's index and a client's 128-bit address ({@link IpAddress}'s two
     * longs, an IPv4 client in its mapped form), so IPv4 and IPv6 clients share one mirror.
     */
    record Key(int vip, long high, long low) {
        // Written out: a record's own equals and hashCode go through method handles
        // (ObjectMethods), slow while the JIT has not compiled them yet, and right after a start
        // the writer calls them several times for each decision it drains (the Long key this
        // replaced had no such cost).
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.vip == vip && k.high == high && k.low == low;
        }

        @Override
        public int hashCode() {
            long h = high * 31 + low;
            return (int) (h ^ (h >>> 32)) * 31 + vip;
        }

        /** The client's address, for nft's text (writer thread only). */
        IpAddress client() {
            return new IpAddress(high, low);
        }
    }

    /** An IPv4 client's key. */
    static Key key(int vip, int client) {
        return new Key(vip, 0, IpAddress.mappedLow(client));
    }
}
