package dsrlb.engine;

import dsrlb.dataplane.PacketIo;

/** pcap and native: every frame to a VIP crosses to the forwarder, which sends it on itself. */
record UserSpaceEngine(EngineKind kind, PacketIo packetIo) implements PacketEngine {
    @Override
    public void close() {
        packetIo.close();
    }
}
