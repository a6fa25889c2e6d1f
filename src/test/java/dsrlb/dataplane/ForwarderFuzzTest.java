package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dsrlb.balance.ForwardingState;
import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceStatus;
import dsrlb.balance.ServiceView;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigException;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.config.LbMethod;
import dsrlb.config.PersistenceType;
import dsrlb.frame.Arp;
import dsrlb.frame.Bytes;
import dsrlb.frame.Ethernet;
import dsrlb.frame.Icmpv6;
import dsrlb.frame.Ipv4Packet;
import dsrlb.frame.Ipv6Packet;
import dsrlb.frame.L4Checksum;
import dsrlb.frame.Ndp;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The whole forwarder decision under arbitrary frames, with the ARP resolver in the loop as in
 * production. For every frame: nothing is thrown, exactly one outcome is counted, at most one
 * frame goes out, and what goes out is either an ARP reply or a Neighbor Advertisement for a VIP,
 * or the received IPv4/IPv6 packet to a VIP with only the two MAC addresses (and a partial
 * checksum) changed.
 *
 * <p>Input format: {@link FuzzFrames}. {@code mvn test} replays the corpus in
 * src/test/resources/dsrlb/dataplane/ForwarderFuzzTestInputs/forwarder; CONTRIBUTING.md
 * ("Fuzzing") says how to fuzz for real.
 */
class ForwarderFuzzTest {
    static final MacAddress LB = MacAddress.parse("02:00:00:00:00:10");
    static final MacAddress TFTP1 = MacAddress.parse("02:00:00:00:00:30");
    static final MacAddress TFTP2 = MacAddress.parse("02:00:00:00:00:31");
    static final int LB_IP = Ipv4.parse("198.51.100.10");
    static final MacAddress TFTP3 = MacAddress.parse("02:00:00:00:00:32");
    static final int VIP2 = Ipv4.parse("198.51.100.21");
    static final IpAddress LB_IP6 = IpAddress.parse("2001:db8::10");

    /** Two VIPs; port-specific and wildcard vservers, so matching by protocol and port is exercised. */
    static final String TWO_VIPS = """
            add ns ip 198.51.100.20 255.255.255.255 -type VIP
            add ns ip 198.51.100.21 255.255.255.255 -type VIP
            add server 198.51.100.30 198.51.100.30
            add server 198.51.100.31 198.51.100.31
            add service tftp1 198.51.100.30 ANY *
            add service tftp2 198.51.100.31 ANY *
            add lb vserver tftp UDP 198.51.100.20 69 -persistenceType SOURCEIP -timeout 100 -lbMethod ROUNDROBIN -m MAC
            add lb vserver web TCP 198.51.100.20 80 -persistenceType NONE -lbMethod SOURCEIPHASH -m MAC
            add lb vserver any ANY 198.51.100.21 * -persistenceType SOURCEIP -timeout 1 -lbMethod ROUNDROBIN -m MAC -persistenceMaxEntries 3
            bind lb vserver tftp tftp1
            bind lb vserver tftp tftp2
            bind lb vserver web tftp1
            bind lb vserver web tftp2
            bind lb vserver any tftp1
            bind lb vserver any tftp2
            """;

    static final DsrConfig[] CONFIGS;

    static {
        // Every input builds a load balancer, which logs each state change: millions of lines
        // when fuzzing.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.ERROR);
        try {
            CONFIGS = new DsrConfig[] {
                TestConfigs.anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.SOURCEIP, 100, 4),
                TestConfigs.anyStar(2, LbMethod.SOURCEIPHASH, PersistenceType.NONE, 0, 1),
                TestConfigs.anyStar(2, LbMethod.ROUNDROBIN, PersistenceType.NONE, 0, 1),
                ConfigParser.parse("two-vips.conf", TWO_VIPS),
                ConfigParser.parse("dual-stack.conf", TestConfigs.DUAL_STACK),
            };
        } catch (ConfigException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "1h")
    void forwarder(byte[] input) {
        Harness h = new Harness(CONFIGS[FuzzFrames.configSelector(input) % CONFIGS.length]);
        for (byte[] frame : FuzzFrames.frames(input)) {
            h.handleAndCheck(frame);
        }
    }

    /** One forwarder as production wires it, over an in-memory interface. */
    static final class Harness {
        final MemoryPacketIo io = new MemoryPacketIo(LB);
        final LoadBalancer lb;
        final Forwarder forwarder;

        Harness(DsrConfig config) {
            lb = new LoadBalancer(config, new FakeTicker(), 251);
            ArpResolver resolver = new ArpResolver(
                    io, lb, LB_IP, LB_IP6, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(35), () -> 0L);
            forwarder = Forwarder.following(lb, io, resolver);
            MacAddress[] macs = {TFTP1, TFTP2, TFTP3};
            for (int id = 0; id < lb.services().size(); id++) {
                lb.setMac(id, macs[id]);
                lb.setHealth(id, ServiceStatus.UP, "fuzz");
            }
        }

        void handleAndCheck(byte[] frame) {
            byte[] in = frame.clone();
            ForwardingState before = lb.state();
            long outcomesBefore = outcomes();
            long receivedBefore = forwarder.counters().received();
            // An exactly sized buffer: a read past the frame's length throws instead of reading stale bytes.
            forwarder.handle(frame, frame.length);

            assertEquals(receivedBefore + 1, forwarder.counters().received());
            assertEquals(outcomesBefore + 1, outcomes(), "exactly one outcome per frame");
            List<byte[]> sent = io.sent();
            io.clearSent();
            assertTrue(sent.size() <= 1, "at most one frame out per frame in");
            if (sent.isEmpty()) {
                return;
            }
            byte[] out = sent.get(0);
            if (Ethernet.etherType(out) == Ethernet.TYPE_ARP) {
                checkArpReply(in, out, before);
            } else if (Ethernet.etherType(out) == Ethernet.TYPE_IPV6
                    && out.length == Ndp.FRAME_LENGTH
                    && LB.matches(out, Ndp.FRAME_LENGTH - 6)
                    && Icmpv6.type(out, NDP_ICMP) == Icmpv6.TYPE_NEIGHBOR_ADVERTISEMENT
                    && Ethernet.etherType(in) == Ethernet.TYPE_IPV6
                    && Ipv6Packet.nextHeader(in, Ethernet.HEADER_LENGTH) == Ipv6Packet.PROTO_ICMPV6
                    && Icmpv6.type(in, NDP_ICMP) == Icmpv6.TYPE_NEIGHBOR_SOLICITATION) {
                checkAdvertisement(in, out, before);
            } else if (Ethernet.etherType(out) == Ethernet.TYPE_IPV6) {
                checkForwardedIpv6(in, out, before);
            } else {
                checkForwarded(in, out, before);
            }
        }

        private long outcomes() {
            Counters c = forwarder.counters();
            long n = c.forwarded() + c.arpRepliesSent();
            for (DropReason r : DropReason.values()) {
                n += c.drops(r);
            }
            return n;
        }

        private void checkArpReply(byte[] in, byte[] out, ForwardingState state) {
            assertEquals(Arp.FRAME_LENGTH, out.length);
            assertTrue(Arp.isValid(out, out.length));
            assertEquals(Arp.OP_REPLY, Arp.operation(out));
            assertTrue(LB.matches(out, Ethernet.SOURCE));
            assertTrue(LB.matches(out, Arp.SENDER_MAC));
            assertTrue(state.vipIndex(Arp.senderIp(out)) >= 0, "we answer only for a VIP");
            assertEquals(Ethernet.TYPE_ARP, Ethernet.etherType(in));
            assertTrue(Arp.isValid(in, in.length));
            assertEquals(Arp.OP_REQUEST, Arp.operation(in));
            assertEquals(Arp.targetIp(in), Arp.senderIp(out));
            assertArrayEquals(
                    Arrays.copyOfRange(in, Arp.SENDER_MAC, Arp.SENDER_MAC + 6),
                    Arrays.copyOfRange(out, Ethernet.DESTINATION, 6),
                    "the reply goes to the asker");
        }

        private void checkForwarded(byte[] in, byte[] out, ForwardingState state) {
            int ip = Ethernet.HEADER_LENGTH;
            assertEquals(in.length, out.length, "same length");
            assertEquals(Ethernet.TYPE_IPV4, Ethernet.etherType(out));
            assertEquals(Ipv4Packet.OK, Ipv4Packet.validate(out, ip, out.length), "well-formed IPv4");
            assertTrue(state.vipIndex(Ipv4Packet.destination(out, ip)) >= 0, "to a VIP");
            assertTrue(LB.matches(in, Ethernet.DESTINATION), "it was addressed to us");
            assertFalse(LB.matches(in, Ethernet.SOURCE), "it was not our own");
            assertTrue(LB.matches(out, Ethernet.SOURCE), "it leaves from us");

            MacAddress dst = MacAddress.read(out, Ethernet.DESTINATION);
            assertFalse(Ethernet.isGroupDestination(out), "forwarded to one host: " + dst);
            assertFalse(dst.equals(LB), "never to ourselves");
            assertFalse(dst.matches(in, Ethernet.SOURCE), "never back to the sender");
            ServiceView backend = null;
            for (ServiceView s : state.services()) {
                if (dst.equals(s.mac())) {
                    backend = s;
                }
            }
            assertNotNull(backend, "to a backend's MAC: " + dst);
            assertTrue(backend.keepsPersistedClients(), "to a backend that may take it: " + backend);

            // Everything from the EtherType on is the client's, except a checksum we completed.
            int protocol = Ipv4Packet.protocol(in, ip);
            int field = L4Checksum.checksumFieldOffset(protocol);
            int checksumAt = field < 0 ? -1 : ip + Ipv4Packet.headerLength(in, ip) + field;
            for (int i = Ethernet.ETHER_TYPE; i < in.length; i++) {
                if (in[i] != out[i]) {
                    assertTrue(
                            i == checksumAt || i == checksumAt + 1,
                            "byte " + i + " changed, only the L4 checksum (at " + checksumAt + ") may");
                }
            }
            if (checksumAt >= 0
                    && checksumAt + 2 <= in.length
                    && Bytes.u16(in, checksumAt) != Bytes.u16(out, checksumAt)) {
                assertEquals(0, Ipv4Packet.fragmentOffset(in, ip));
                assertFalse(Ipv4Packet.moreFragments(in, ip));
                assertTrue(L4Checksum.isValid(out, ip), "a checksum we touch ends up complete");
            }
        }

        /** Where the ICMPv6 message of an untagged NDP frame without extension headers starts. */
        static final int NDP_ICMP = Ethernet.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH;

        private void checkAdvertisement(byte[] in, byte[] out, ForwardingState state) {
            int ip = Ethernet.HEADER_LENGTH;
            assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(out, ip, out.length));
            assertEquals(Ndp.OK, Ndp.validateAdvertisement(out, ip, NDP_ICMP), "an advertisement a node accepts");
            assertEquals(Ndp.OK, Ndp.validateSolicitation(in, ip, NDP_ICMP), "answering a valid solicitation");
            long high = Ndp.targetHigh(out, NDP_ICMP);
            long low = Ndp.targetLow(out, NDP_ICMP);
            assertFalse(IpAddress.isIpv4(high, low), "never for an IPv4 VIP's mapped form");
            assertTrue(state.vipIndex(high, low) >= 0, "we answer only for a VIP");
            assertEquals(Ndp.targetHigh(in, NDP_ICMP), high);
            assertEquals(Ndp.targetLow(in, NDP_ICMP), low);
            assertTrue(LB.matches(out, Ethernet.SOURCE));
            assertTrue(LB.matches(out, Ndp.targetLinkAddress(out, ip, NDP_ICMP)), "at our MAC");
            assertEquals(high, Ipv6Packet.sourceHigh(out, ip), "from the VIP itself");
            assertEquals(low, Ipv6Packet.sourceLow(out, ip));
        }

        private void checkForwardedIpv6(byte[] in, byte[] out, ForwardingState state) {
            int ip = Ethernet.HEADER_LENGTH;
            assertEquals(in.length, out.length, "same length");
            assertEquals(Ipv6Packet.OK, Ipv6Packet.validate(out, ip, out.length), "well-formed IPv6");
            int[] ul = new int[Ipv6Packet.UPPER_LAYER_SLOTS];
            assertEquals(Ipv6Packet.OK, Ipv6Packet.upperLayer(out, ip, ul));
            long high = Ipv6Packet.destinationHigh(out, ip);
            long low = Ipv6Packet.destinationLow(out, ip);
            assertFalse(IpAddress.isIpv4(high, low), "an IPv4 VIP is never reached through IPv6");
            assertTrue(state.vipIndex(high, low) >= 0, "to a VIP6");
            if (ul[Ipv6Packet.UL_PROTOCOL] == Ipv6Packet.PROTO_ICMPV6
                    && ul[Ipv6Packet.UL_FRAGMENT] != Ipv6Packet.LATER_FRAGMENT) {
                int type = Icmpv6.type(out, ul[Ipv6Packet.UL_OFFSET]);
                assertFalse(
                        type >= Icmpv6.TYPE_ROUTER_SOLICITATION && type <= Icmpv6.TYPE_REDIRECT,
                        "Neighbor Discovery is never forwarded: type " + type);
            }
            assertTrue(LB.matches(in, Ethernet.DESTINATION), "it was addressed to us");
            assertTrue(LB.matches(out, Ethernet.SOURCE), "it leaves from us");
            MacAddress dst = MacAddress.read(out, Ethernet.DESTINATION);
            assertFalse(Ethernet.isGroupDestination(out), "forwarded to one host: " + dst);
            assertFalse(dst.matches(in, Ethernet.SOURCE), "never back to the sender");
            ServiceView backend = null;
            for (ServiceView s : state.services()) {
                if (dst.equals(s.mac())) {
                    backend = s;
                }
            }
            assertNotNull(backend, "to a backend's MAC: " + dst);
            assertTrue(backend.address().isIpv6(), "an IPv6 packet to an IPv6 backend: " + backend);
            int field = L4Checksum.checksumFieldOffset(ul[Ipv6Packet.UL_PROTOCOL]);
            int checksumAt = field < 0 ? -1 : ul[Ipv6Packet.UL_OFFSET] + field;
            for (int i = Ethernet.ETHER_TYPE; i < in.length; i++) {
                if (in[i] != out[i]) {
                    assertTrue(
                            i == checksumAt || i == checksumAt + 1,
                            "byte " + i + " changed, only the L4 checksum (at " + checksumAt + ") may");
                }
            }
            if (checksumAt >= 0 && Bytes.u16(in, checksumAt) != Bytes.u16(out, checksumAt)) {
                assertEquals(Ipv6Packet.NOT_FRAGMENTED, ul[Ipv6Packet.UL_FRAGMENT]);
                assertTrue(
                        L4Checksum.isValidIpv6(out, ip, ul[Ipv6Packet.UL_OFFSET], ul[Ipv6Packet.UL_PROTOCOL]),
                        "a checksum we touch ends up complete");
            }
        }
    }
}
