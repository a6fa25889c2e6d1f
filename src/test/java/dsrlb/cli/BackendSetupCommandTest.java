package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BackendSetupCommandTest {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    @Test
    void linuxWithTwoVipsPrintsTheSysctlsAndEachVipOnLoopback() {
        assertEquals(0, run("backend-setup", "--vip", "198.51.100.20", "--vip", "203.0.113.5"));
        List<String> l = lines();
        assertTrue(
                l.contains("sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"),
                out.toString());
        assertTrue(
                l.contains("sysctl -w net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2"),
                out.toString());
        assertTrue(
                l.contains("sysctl -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 "
                        + "net.ipv4.conf.lo.rp_filter=0"),
                out.toString());
        assertTrue(l.contains("ip addr add 198.51.100.20/32 dev lo"), out.toString());
        assertTrue(l.contains("ip addr add 203.0.113.5/32 dev lo"), out.toString());
        assertTrue(l.contains("net.ipv4.conf.all.arp_ignore = 1"), "persisted sysctls: " + out);
    }

    @Test
    void ipv6VipsGoOnLoopbackAsSlash128OnEveryOs() {
        assertEquals(0, run("backend-setup", "--vip", "2001:DB8:2:0::20", "--vip", "198.51.100.20"));
        List<String> l = lines();
        assertTrue(l.contains("ip addr add 2001:db8:2::20/128 dev lo"), out.toString());
        assertTrue(l.contains("ip addr add 198.51.100.20/32 dev lo"), out.toString());
        assertTrue(out.toString().contains("Neighbor Solicitations only for the receiving interface"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("backend-setup", "--vip", "2001:db8:2::20", "--os", "freebsd"));
        assertTrue(lines().contains("ifconfig lo0 inet6 2001:db8:2::20 prefixlen 128 alias"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("backend-setup", "--vip", "2001:db8:2::20", "--os", "windows"));
        assertTrue(
                out.toString().contains("-IPAddress 2001:db8:2::20 -PrefixLength 128 -SkipAsSource"), out.toString());
        assertEquals(2, run("backend-setup", "--vip", "2001:db8::1%lo"));
    }

    @Test
    void everyLineIsACommandOrAComment() {
        assertEquals(0, run("backend-setup", "--vip", "198.51.100.20", "--lan-interface", "ens3"));
        boolean inHereDoc = false;
        for (String line : lines()) {
            if (line.startsWith("cat > ")) {
                inHereDoc = true;
            } else if (line.equals("END")) {
                inHereDoc = false;
            } else if (!inHereDoc) {
                assertTrue(
                        line.startsWith("#") || line.startsWith("sysctl -w ") || line.startsWith("ip addr add "),
                        "not a command: " + line);
            }
        }
        assertTrue(out.toString().contains("net.ipv4.conf.ens3.arp_ignore=1"), out.toString());
        assertFalse(out.toString().contains("eth0"), out.toString());
    }

    @Test
    void freebsdPutsEachVipOnLo0AndPersistsIt() {
        assertEquals(0, run("backend-setup", "--vip", "198.51.100.20", "--vip", "198.51.100.21", "--os", "freebsd"));
        List<String> l = lines();
        assertTrue(l.contains("ifconfig lo0 alias 198.51.100.20 netmask 255.255.255.255"), out.toString());
        assertTrue(l.contains("ifconfig lo0 alias 198.51.100.21 netmask 255.255.255.255"), out.toString());
        assertTrue(
                l.contains("sysrc ifconfig_lo0_alias1=\"inet 198.51.100.21 netmask 255.255.255.255\""), out.toString());
        assertFalse(out.toString().contains("sysctl"), out.toString());
    }

    @Test
    void windowsUsesTheLoopbackAdapterAndWeakHost() {
        assertEquals(0, run("backend-setup", "--vip", "198.51.100.20", "--os", "WINDOWS"));
        List<String> l = lines();
        assertTrue(
                l.contains("New-NetIPAddress -InterfaceAlias Loopback -IPAddress 198.51.100.20 -PrefixLength 32 "
                        + "-SkipAsSource $true"),
                out.toString());
        assertTrue(
                l.contains("Set-NetIPInterface -InterfaceAlias \"Ethernet\" -WeakHostReceive Enabled "
                        + "-WeakHostSend Enabled"),
                out.toString());
    }

    @Test
    void theConfigStillGivesTheVips() {
        assertEquals(0, run("backend-setup", "--config", "examples/seed.conf"));
        assertTrue(lines().contains("ip addr add 198.51.100.20/32 dev lo"), out.toString());
    }

    @Test
    void aVipIsPrintedOnceEvenWhenGivenTwice() {
        assertEquals(0, run("backend-setup", "--vip", "198.51.100.20", "--vip", "198.51.100.20"));
        assertEquals(
                1,
                lines().stream()
                        .filter(s -> s.equals("ip addr add 198.51.100.20/32 dev lo"))
                        .count());
    }

    @Test
    void badInputIsExit2AndNothingIsPrinted() {
        assertEquals(2, run("backend-setup", "--vip", "198.51.100.300"));
        assertTrue(err.toString().contains("not an IPv4 address: '198.51.100.300'"), err.toString());
        assertEquals(2, run("backend-setup", "--vip", "198.51.100.20; rm -rf /"));
        assertEquals(2, run("backend-setup", "--vip", "198.51.100.20", "--lan-interface", "eth0;reboot"));
        assertEquals(2, run("backend-setup"), "neither --vip nor --config");
        assertEquals(
                2,
                run("backend-setup", "--vip", "198.51.100.20", "--config", "examples/seed.conf"),
                "both --vip and --config");
        assertEquals("", out.toString());
    }
}
