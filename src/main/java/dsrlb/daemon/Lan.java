package dsrlb.daemon;

import dsrlb.dataplane.Forwarder;
import dsrlb.dataplane.NetworkInterfaceInfo;
import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.ReceiveLoop;
import dsrlb.dataplane.VipOwnership;
import dsrlb.engine.PacketEngine;

/**
 * One interface dsrlb serves (config.InterfacePlan): its packet engine, the forwarder and
 * receive thread for the VIPs that live on it, and their ownership (gratuitous ARP, HA role).
 * The balancer, its persistence, the monitors and the forwarder counters are shared by all.
 *
 * @param index the interface's place in the plan (0: the default LAN)
 */
record Lan(
        int index,
        NetworkInterfaceInfo nif,
        PacketEngine engine,
        Forwarder forwarder,
        VipOwnership ownership,
        ReceiveLoop loop,
        Thread rx) {

    PacketIo io() {
        return engine.packetIo();
    }
}
