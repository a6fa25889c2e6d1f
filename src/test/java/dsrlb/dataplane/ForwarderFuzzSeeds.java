package dsrlb.dataplane;

import static dsrlb.testing.FrameBuilder.frame;
import static dsrlb.testing.FrameBuilder.tftpRrq;

import dsrlb.balance.TestConfigs;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.HostileFrames;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the seed corpus of {@link ForwarderFuzzTest}: the frames of the unit tests (a PXE
 * client's RRQ and ACKs, ARP for the VIP, hostile fixtures) in {@link FuzzFrames} format, one
 * file each. Run once when the fixtures change:
 * {@code java -cp target/test-classes:target/classes dsrlb.dataplane.ForwarderFuzzSeeds
 * src/test/resources/dsrlb/dataplane/ForwarderFuzzTestInputs/forwarder}
 */
public final class ForwarderFuzzSeeds {
    static final MacAddress LB = ForwarderFuzzTest.LB;
    static final MacAddress ROUTER = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress TFTP1 = ForwarderFuzzTest.TFTP1;
    static final int VIP = TestConfigs.VIP;
    static final int CLIENT = Ipv4.parse("192.0.2.10");
    static final int ROUTER_IP = Ipv4.parse("198.51.100.1");
    static final int TFTP1_IP = Ipv4.parse("198.51.100.30");

    private ForwarderFuzzSeeds() {}

    /**
     * Writes the seed frames into the fuzzers' corpus directories.
     *
     * @param args the forwarder corpus directory; optionally the frame codec corpus directories
     *     (FrameCodecFuzzTestInputs/ipv4AndChecksum and .../arp), which take the raw frames
     */
    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), seeds());
        if (args.length == 3) {
            Map<String, byte[]> ipv4 = new LinkedHashMap<>();
            Map<String, byte[]> arp = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> f : frames().entrySet()) {
                (f.getKey().startsWith("arp") ? arp : ipv4).put(f.getKey(), f.getValue());
            }
            write(Path.of(args[1]), ipv4);
            write(Path.of(args[2]), arp);
        }
    }

    private static void write(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
    }

    /** Single frames by name (ARP ones start with "arp"). */
    static Map<String, byte[]> frames() {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put(
                "rrq",
                frame().eth(ROUTER, LB)
                        .ipv4(CLIENT, VIP)
                        .udp(40000, 69)
                        .payload(tftpRrq("ARDBP32.BIN"))
                        .build());
        f.put(
                "ack-partial",
                frame().eth(ROUTER, LB)
                        .ipv4(CLIENT, VIP)
                        .udp(40000, 50000)
                        .payload(new byte[] {0, 4, 0, 1})
                        .partialChecksum()
                        .build());
        f.put("tcp-syn-partial", HostileFrames.tcpSynPartial(LB, ROUTER, CLIENT, VIP, 51000, 80));
        f.put(
                "ip-options",
                HostileFrames.udpWithOptions(
                        LB, ROUTER, CLIENT, VIP, 40001, 69, HostileFrames.routerAlert(), tftpRrq("ARDBP32.BIN")));
        List<byte[]> fragments =
                HostileFrames.udpFragments(LB, ROUTER, CLIENT, VIP, 40002, 69, 0x5151, new byte[100], 64);
        f.put("fragment-first", fragments.get(0));
        f.put("fragment-last", fragments.get(1));
        f.put("vlan-tagged", HostileFrames.vlanTagged(f.get("rrq"), 10));
        f.put(
                "arp-request-vip",
                frame().eth(ROUTER, MacAddress.BROADCAST)
                        .arpRequest(ROUTER_IP, VIP)
                        .build());
        f.put("arp-reply-backend", HostileFrames.arpReply(TFTP1, TFTP1_IP, LB, Ipv4.parse("198.51.100.10")));
        byte[] garp = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garp, TFTP1, VIP);
        f.put("arp-gratuitous-vip", garp);
        return f;
    }

    static Map<String, byte[]> seeds() {
        byte[] rrq = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(tftpRrq("ARDBP32.BIN"))
                .build();
        byte[] rrqPartial = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(tftpRrq("pxelinux.0"))
                .partialChecksum()
                .build();
        byte[] ack = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 50000)
                .payload(new byte[] {0, 4, 0, 1})
                .partialChecksum()
                .build();
        byte[] ackVip2 = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, ForwarderFuzzTest.VIP2)
                .udp(40000, 50000)
                .payload(new byte[] {0, 4, 0, 2})
                .partialChecksum()
                .build();
        byte[] syn = HostileFrames.tcpSynPartial(LB, ROUTER, CLIENT, VIP, 51000, 80);
        byte[] arpForVip = frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(ROUTER_IP, VIP)
                .build();
        byte[] arpForVip2 = frame().eth(ROUTER, MacAddress.BROADCAST)
                .arpRequest(ROUTER_IP, ForwarderFuzzTest.VIP2)
                .build();
        byte[] arpFromBackend = HostileFrames.arpReply(TFTP1, TFTP1_IP, LB, Ipv4.parse("198.51.100.10"));
        byte[] garpVip = new byte[Arp.FRAME_LENGTH];
        Arp.writeGratuitous(garpVip, TFTP1, VIP);
        byte[] options = HostileFrames.udpWithOptions(
                LB, ROUTER, CLIENT, VIP, 40001, 69, HostileFrames.routerAlert(), tftpRrq("ARDBP32.BIN"));
        List<byte[]> fragments =
                HostileFrames.udpFragments(LB, ROUTER, CLIENT, VIP, 40002, 69, 0x5151, new byte[1200], 512);
        byte[] ttl1 = HostileFrames.udpWithTtl(LB, ROUTER, CLIENT, VIP, 40003, 69, 1, tftpRrq("x"));
        byte[] vlan = HostileFrames.vlanTagged(rrq, 10);
        byte[] broadcast = frame().eth(ROUTER, MacAddress.BROADCAST)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(new byte[4])
                .build();
        byte[] ownSource = frame().eth(LB, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(new byte[4])
                .build();
        byte[] fromBackend = frame().eth(TFTP1, LB)
                .ipv4(CLIENT, VIP)
                .udp(40000, 69)
                .payload(new byte[4])
                .build();
        byte[] notVip = frame().eth(ROUTER, LB)
                .ipv4(CLIENT, TFTP1_IP)
                .udp(40000, 69)
                .payload(new byte[4])
                .build();
        byte[] badIhl = rrq.clone();
        badIhl[Ethernet.HEADER_LENGTH] = 0x4f;
        byte[] longTotal = rrq.clone();
        Bytes.putU16(longTotal, Ethernet.HEADER_LENGTH + 2, 1500);
        byte[] padded = Arrays.copyOf(ack, 60);

        Map<String, byte[]> s = new LinkedHashMap<>();
        for (int config = 0; config < ForwarderFuzzTest.CONFIGS.length; config++) {
            s.put("pxe-client-c" + config, FuzzFrames.encode(config, arpForVip, rrqPartial, ack, ack));
        }
        s.put("rrq-complete-checksum", FuzzFrames.encode(0, rrq));
        s.put("tcp-syn-partial", FuzzFrames.encode(3, syn, arpForVip2, ackVip2));
        s.put("backend-arp-then-forward", FuzzFrames.encode(0, arpFromBackend, rrq, garpVip, ack));
        s.put("ip-options", FuzzFrames.encode(0, options));
        s.put("fragments", FuzzFrames.encode(1, fragments.toArray(new byte[0][])));
        s.put("fragments-port-vserver", FuzzFrames.encode(3, fragments.toArray(new byte[0][])));
        s.put("ttl-1", FuzzFrames.encode(0, ttl1));
        s.put("vlan-tagged", FuzzFrames.encode(0, vlan));
        s.put("not-for-us", FuzzFrames.encode(2, broadcast, ownSource, fromBackend, notVip));
        s.put("bad-headers", FuzzFrames.encode(0, badIhl, longTotal, Arrays.copyOf(rrq, 30), padded));
        ipv6Seeds(s);
        return s;
    }

    /** The dual-stack config (IPv4 and IPv6 VIPs, a port and a wildcard vserver on the VIP6). */
    static final int DUAL_STACK = 4;

    private static void ipv6Seeds(Map<String, byte[]> s) {
        IpAddress vip6 = TestConfigs.VIP6;
        IpAddress client = IpAddress.parse("2001:db8:1::10");
        IpAddress router6 = IpAddress.parse("2001:db8::1");
        IpAddress backend6 = IpAddress.parse("2001:db8::30");
        MacAddress solicitedMac = MacAddress.parse("33:33:ff:00:00:20");
        MacAddress allNodesMac = MacAddress.parse("33:33:00:00:00:01");
        byte[] ns = frame().eth(ROUTER, solicitedMac)
                .ipv6(router6, Ndp.solicitedNode(vip6))
                .neighborSolicitation(vip6)
                .build();
        byte[] nsUnicast = frame().eth(ROUTER, LB)
                .ipv6(router6, vip6)
                .neighborSolicitation(vip6)
                .build();
        byte[] dad = frame().eth(ROUTER, solicitedMac)
                .ipv6(IpAddress.parse("::"), Ndp.solicitedNode(vip6))
                .neighborSolicitation(vip6)
                .build();
        IpAddress mapped = IpAddress.ofIpv4(VIP);
        byte[] nsMapped = frame().eth(ROUTER, MacAddress.parse("33:33:ff:33:64:14"))
                .ipv6(router6, Ndp.solicitedNode(mapped))
                .neighborSolicitation(mapped)
                .build();
        byte[] rrqPartial = frame().eth(ROUTER, LB)
                .ipv6(client, vip6)
                .udp(40000, 69)
                .payload(tftpRrq("bootx64.efi"))
                .partialChecksum()
                .build();
        byte[] ack = frame().eth(ROUTER, LB)
                .ipv6(client, vip6)
                .udp(40000, 50000)
                .payload(new byte[] {0, 4, 0, 1})
                .partialChecksum()
                .build();
        byte[] toMapped = frame().eth(ROUTER, LB)
                .ipv6(client, mapped)
                .udp(40000, 69)
                .payload(new byte[4])
                .build();
        int[] fragment = {Ipv6Packet.PROTO_FRAGMENT};
        byte[] firstFragment = HostileFrames.udpIpv6(
                LB,
                ROUTER,
                client,
                vip6,
                40001,
                69,
                fragment,
                new byte[][] {HostileFrames.fragmentHeader(0, true, 5)},
                new byte[64],
                true);
        byte[] laterFragment = HostileFrames.ipv6(
                LB,
                ROUTER,
                client,
                vip6,
                64,
                fragment,
                new byte[][] {HostileFrames.fragmentHeader(9, false, 5)},
                Ipv6Packet.PROTO_UDP,
                new byte[40]);
        int icmp = Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH;
        byte[] fragmentedNs = HostileFrames.ipv6(
                LB,
                ROUTER,
                router6,
                vip6,
                255,
                fragment,
                new byte[][] {HostileFrames.fragmentHeader(0, true, 6)},
                Ipv6Packet.PROTO_ICMPV6,
                Arrays.copyOfRange(nsUnicast, icmp, nsUnicast.length));
        byte[] backendAnswer = frame().eth(TFTP1, LB)
                .ipv6(backend6, ForwarderFuzzTest.LB_IP6)
                .neighborAdvertisement(backend6, Ndp.FLAG_SOLICITED | Ndp.FLAG_OVERRIDE)
                .build();
        byte[] claim = frame().eth(TFTP1, allNodesMac)
                .ipv6(vip6, IpAddress.parse("ff02::1"))
                .neighborAdvertisement(vip6, Ndp.FLAG_OVERRIDE)
                .build();
        byte[] tagged = HostileFrames.vlanTagged(rrqPartial, 10);
        s.put("ipv6-pxe-client", FuzzFrames.encode(DUAL_STACK, ns, rrqPartial, ack, ack));
        s.put("ipv6-ndp", FuzzFrames.encode(DUAL_STACK, nsUnicast, dad, nsMapped, backendAnswer, claim, ack));
        s.put(
                "ipv6-fragments",
                FuzzFrames.encode(DUAL_STACK, firstFragment, laterFragment, fragmentedNs, toMapped, tagged));
    }
}
