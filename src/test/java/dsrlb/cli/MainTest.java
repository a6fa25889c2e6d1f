package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theSeedConfigChecksOk() {
        assertEquals(0, run("check", "--config", "examples/seed.conf"));
        assertTrue(out.toString().contains("OK: 1 VIP(s), 2 server(s), 2 service(s), 1 vserver(s)"), out.toString());
        assertTrue(out.toString().contains("-gslb NONE accepted"), out.toString());
    }

    @Test
    void aBrokenLineStopsRunWithFileLineAndExit2() throws IOException {
        Path conf = dir.resolve("broken.conf");
        String seed = Files.readString(Path.of("examples/seed.conf"));
        Files.writeString(conf, seed.replace("bind lb vserver tftp tftp2", "bind lb vserver tftp tftp3"));
        int line = 1
                + (int) seed.substring(0, seed.indexOf("bind lb vserver tftp tftp2"))
                        .chars()
                        .filter(c -> c == '\n')
                        .count();

        assertEquals(2, run("run", "--config", conf.toString(), "--interface", "lo"));

        assertTrue(err.toString().startsWith(conf + ":" + line + ": service 'tftp3' is not defined"), err.toString());
    }

    @Test
    void aMissingConfigFileIsExit2() {
        assertEquals(2, run("run", "--config", dir.resolve("nope.conf").toString()));
        assertTrue(err.toString().contains("nope.conf: cannot read"), err.toString());
    }

    @Test
    void aMissingInterfaceIsExit3HostCannotRunIt() {
        // Not 1: a restart cannot make the interface appear (the unit's RestartPreventExitStatus).
        assertEquals(Main.EXIT_CANNOT_RUN_HERE, run("run", "--config", "examples/seed.conf", "--interface", "nosuch0"));
        assertTrue(err.toString().contains("no network interface 'nosuch0'"), err.toString());
    }

    @Test
    void badArgumentsAreExit2() {
        assertEquals(2, run("run", "--bogus"));
        assertTrue(err.toString().contains("Missing required option: '--config=FILE'"), err.toString());
        assertEquals(2, run("check", "--config", "examples/seed.conf", "--bogus"));
        assertTrue(err.toString().contains("Unknown option: '--bogus'"), err.toString());
        assertEquals(2, run("run", "--config", "examples/seed.conf", "--arp-refresh", "0"));
    }

    @Test
    void backendSetupPrintsTheVipOnLoopbackAndArpSysctls() {
        assertEquals(0, run("backend-setup", "--config", "examples/seed.conf"));
        String s = out.toString();
        assertTrue(s.contains("ip addr add 198.51.100.20/32 dev lo"), s);
        assertTrue(s.contains("arp_ignore=1"), s);
        assertTrue(s.contains("arp_announce=2"), s);
        assertEquals(0, run("backend-setup", "--config", "examples/seed.conf", "--os", "freebsd"));
        assertTrue(out.toString().contains("ifconfig lo0 alias 198.51.100.20 netmask 255.255.255.255"));
    }
}
