package dsrlb.balance;

import dsrlb.net.IpAddress;
import dsrlb.net.MacAddress;

/**
 * One service as the forwarder sees it in a published snapshot.
 *
 * @param id index of the service in the snapshot's array, stable for a loaded config
 * @param mac the backend's MAC, or null while ARP has not resolved it
 * @param reason why the status is what it is, for logs and status output
 */
public record ServiceView(int id, String name, IpAddress address, MacAddress mac, ServiceStatus status, String reason) {
    /** Receives new clients: UP and with a known MAC. */
    public boolean eligible() {
        return status == ServiceStatus.UP && mac != null;
    }

    /** Keeps the clients persisted to it: UP, or draining (disabled gracefully). */
    public boolean keepsPersistedClients() {
        return (status == ServiceStatus.UP || status == ServiceStatus.GOING_OUT_OF_SERVICE) && mac != null;
    }
}
