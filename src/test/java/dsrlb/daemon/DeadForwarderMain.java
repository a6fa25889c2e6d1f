package dsrlb.daemon;

import dsrlb.dataplane.Forwarder;
import dsrlb.dataplane.PacketIo;
import dsrlb.dataplane.ReceiveLoop;
import dsrlb.net.MacAddress;

/**
 * A process whose receive loop meets an Error (as an OutOfMemoryError under a flood would),
 * wired to the daemon's handler; its main thread would stay up for a minute, as the daemon's
 * control socket and monitors would (ReceiveLoopDeathTest).
 */
public final class DeadForwarderMain {
    private DeadForwarderMain() {}

    public static void main(String[] args) throws InterruptedException {
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
        PacketIo io = new PacketIo() {
            @Override
            public int receive(byte[] buffer) {
                throw new OutOfMemoryError("Java heap space (thrown by the test)");
            }

            @Override
            public void send(byte[] frame, int length) {}

            @Override
            public void wakeup() {}

            @Override
            public MacAddress mac() {
                return mac;
            }

            @Override
            public void close() {}
        };
        ReceiveLoop loop = new ReceiveLoop(io, new Forwarder(io), 0, Daemon::exitOnDeadForwarder);
        new Thread(loop, "dsrlb-rx-test").start();
        Thread.sleep(60_000);
    }
}
