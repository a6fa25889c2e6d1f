package dsrlb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.TestConfigs;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import dsrlb.config.InterfacePlan;
import dsrlb.frame.Arp;
import dsrlb.frame.Ethernet;
import dsrlb.net.IpAddress;
import dsrlb.net.Ipv4;
import dsrlb.net.MacAddress;
import dsrlb.testing.FakeTicker;
import dsrlb.testing.MemoryPacketIo;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each interface's resolver asks for, probes and learns what lives on its interface only (TestConfigs.TWO_LANS). */
class MultiInterfaceArpResolverTest {
    static final MacAddress LB = MacAddress.parse("02:d5:1b:64:00:10");
    static final MacAddress LB_B = MacAddress.parse("02:d5:1b:64:00:12");
    static final MacAddress TFTP2 = MacAddress.parse("02:d5:1b:64:00:31");
    static final int LB_B_IP = Ipv4.parse("198.51.100.138");
    static final int TFTP2_IP = Ipv4.parse("198.51.100.150");

    final MemoryPacketIo eth1 = new MemoryPacketIo(LB_B);
    long now = 1_000_000_000L;

    @Test
    void asksOnlyForItsInterfacesBackendsAndVipsFromThatLansAddress() throws Exception {
        DsrConfig cfg = ConfigParser.parse("t.conf", TestConfigs.TWO_LANS);
        InterfacePlan plan = new InterfacePlan(List.of("eth0", "eth1"));
        LoadBalancer lb = new LoadBalancer(cfg, new FakeTicker(), 251);
        ArpResolver onEth1 = new ArpResolver(
                eth1,
                lb,
                LB_B_IP,
                null,
                a -> plan.indexOf(cfg, a) == 1,
                TimeUnit.SECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(35),
                () -> now);
        onEth1.tick();
        // Who has VIP .140 (a conflict probe), who has tftp2: nothing for eth0's tftp1, the VIP6's
        // service (Neighbor Discovery) or VIP .20.
        List<byte[]> sent = eth1.sent();
        assertEquals(2, sent.size());
        assertEquals(Ipv4.parse("198.51.100.140"), Arp.targetIp(sent.get(0)));
        assertEquals(TFTP2_IP, Arp.targetIp(sent.get(1)));
        for (byte[] f : sent) {
            assertEquals(LB_B_IP, Arp.senderIp(f), "asked from the VLAN's -IPAddress on eth1");
            assertTrue(LB_B.matches(f, Ethernet.SOURCE));
        }
        assertFalse(onEth1.allResolved());
        byte[] reply = new byte[Arp.FRAME_LENGTH];
        Arp.writeRequest(reply, TFTP2, TFTP2_IP, LB_B_IP);
        reply[Arp.OFFSET + 7] = Arp.OP_REPLY;
        LB_B.writeTo(reply, Ethernet.DESTINATION);
        LB_B.writeTo(reply, Arp.TARGET_MAC);
        onEth1.onArp(reply);
        assertEquals(TFTP2, lb.state().services()[1].mac());
        assertTrue(onEth1.allResolved(), "all of eth1's backends: eth0's are another resolver's");
        assertNull(lb.state().services()[0].mac());
        assertEquals(IpAddress.ofIpv4(TFTP2_IP), cfg.services().get("tftp2").address());
    }
}
