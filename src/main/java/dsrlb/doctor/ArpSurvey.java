package dsrlb.doctor;

import dsrlb.dataplane.PacketIo;
import dsrlb.frame.Arp;
import dsrlb.frame.Ethernet;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks ARP for every backend and every VIP from the LB's own address and collects who
 * answers: each backend must (else dsrlb cannot forward to it), and nobody may answer for a
 * VIP (a backend with arp_ignore=0 does, and steals the VIP from dsrlb).
 */
public final class ArpSurvey {
    /** address → MACs that answered for it */
    public record Answers(Map<Integer, List<MacAddress>> byAddress) {
        public List<MacAddress> of(int address) {
            return byAddress.getOrDefault(address, List.of());
        }
    }

    private ArpSurvey() {}

    public static Answers ask(PacketIo io, int ownIp, List<Integer> addresses, long waitMillis) throws IOException {
        byte[] out = new byte[Arp.FRAME_LENGTH];
        for (int round = 0; round < 2; round++) {
            for (int a : addresses) {
                io.send(out, Arp.writeRequest(out, io.mac(), ownIp, a));
            }
        }
        Map<Integer, List<MacAddress>> answers = new LinkedHashMap<>();
        byte[] buf = new byte[65_536];
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        // libpcap in immediate mode may block without a timeout: wake the read at the deadline.
        Thread alarm = new Thread(
                () -> {
                    try {
                        Thread.sleep(waitMillis);
                        io.wakeup();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "dsrlb-doctor-alarm");
        alarm.setDaemon(true);
        alarm.start();
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = io.receive(buf);
            } catch (IOException e) {
                break; // woken at the deadline, or the interface failed: either way, done listening
            }
            if (n <= 0
                    || Ethernet.etherType(buf) != Ethernet.TYPE_ARP
                    || !Arp.isValid(buf, n)
                    || Arp.operation(buf) != Arp.OP_REPLY) {
                continue;
            }
            int sender = Arp.senderIp(buf);
            if (addresses.contains(sender)) {
                MacAddress mac = MacAddress.read(buf, Arp.SENDER_MAC);
                List<MacAddress> macs = answers.computeIfAbsent(sender, k -> new ArrayList<>());
                if (!macs.contains(mac)) {
                    macs.add(mac);
                }
            }
        }
        alarm.interrupt();
        return new Answers(answers);
    }
}
