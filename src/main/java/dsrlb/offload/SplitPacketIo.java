package dsrlb.offload;

import dsrlb.dataplane.PacketIo;
import dsrlb.net.MacAddress;
import java.io.IOException;

/** Receives from the capture veth, sends on the LAN interface. */
final class SplitPacketIo implements PacketIo {
    private final PacketIo in;
    private final PacketIo out;

    SplitPacketIo(PacketIo in, PacketIo out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public int receive(byte[] buffer) throws IOException {
        return in.receive(buffer);
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        out.send(frame, length);
    }

    @Override
    public void wakeup() {
        in.wakeup();
    }

    @Override
    public long droppedByKernel() {
        return in.droppedByKernel();
    }

    @Override
    public MacAddress mac() {
        return out.mac();
    }

    @Override
    public void close() {
        in.close();
        out.close();
    }
}
