package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.cli.text.PersistenceText;
import dsrlb.cli.text.ServiceText;
import dsrlb.cli.text.StatText;
import dsrlb.cli.text.VserverText;
import dsrlb.control.ControlServer;
import dsrlb.control.StatusResponder;
import dsrlb.status.FixedStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** dsrlb show/stat against an in-process control socket with fixed data. */
class ShowCommandTest {
    @TempDir
    Path dir;

    final FixedStatus status = new FixedStatus();
    final StatusResponder responder = new StatusResponder(status);
    Path socket;
    ControlServer server;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("dsrlb.sock");
        server = ControlServer.start(socket, responder);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private int show(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--control-socket";
        all[args.length + 1] = socket.toString();
        return run(all);
    }

    @Test
    void eachCommandPrintsTheHumanRenderingOfTheDaemonsAnswer() {
        assertEquals(0, show("show", "lb", "vserver"));
        assertEquals(VserverText.show(status.vservers(), false), out.toString());
        assertEquals(0, show("show", "lb", "vserver", "plain vs"));
        assertEquals(VserverText.show(status.vservers().subList(1, 2), true), out.toString());
        assertEquals(0, show("show", "service"));
        assertEquals(ServiceText.show(status.services(), false), out.toString());
        assertEquals(0, show("show", "service", "tftp2"));
        assertEquals(ServiceText.show(status.services().subList(1, 2), true), out.toString());
        assertEquals(0, show("stat", "lb", "vserver"));
        assertEquals(StatText.stat(status.global(), status.vservers(), false), out.toString());
        assertEquals(0, show("stat", "lb", "vserver", "tftp"));
        assertEquals(StatText.stat(status.global(), status.vservers().subList(0, 1), true), out.toString());
        assertEquals(0, show("show", "persistence"));
        assertEquals(PersistenceText.show(status.persistence(null, 10)), out.toString());
        assertEquals(0, show("show", "persistence", "--client", "192.0.2.10"));
        assertEquals(PersistenceText.show(status.persistence("192.0.2.10", 10)), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void jsonPrintsTheAnswerAsItIs() {
        assertEquals(0, show("show", "service", "--json"));
        assertEquals(responder.respond("show service") + "\n", out.toString());
        assertEquals(0, show("stat", "lb", "vserver", "tftp", "--json"));
        assertEquals(responder.respond("stat lb vserver tftp") + "\n", out.toString());
        assertEquals(0, show("show", "persistence", "--json", "--client", "192.0.2.100"));
        assertEquals(responder.respond("show persistence 192.0.2.100") + "\n", out.toString());
        assertEquals(0, show("show", "lb", "vserver", "--json", "plain vs"));
        assertEquals(responder.respond("show lb vserver \"plain vs\"") + "\n", out.toString());
    }

    @Test
    void theDaemonsRefusalIsExit1WithItsMessage() {
        assertEquals(1, show("show", "lb", "vserver", "nosuch"));
        assertEquals("", out.toString());
        assertEquals("dsrlb show lb vserver: no vserver named 'nosuch'\n", err.toString());
        assertEquals(1, show("show", "service", "nosuch", "--json"));
        assertEquals("{\"ok\":false,\"error\":\"no service named 'nosuch'\"}\n", out.toString());
    }

    @Test
    void noDaemonIsAClearExit1() throws IOException {
        Path none = dir.resolve("none.sock");
        assertEquals(1, run("show", "service", "--control-socket", none.toString()));
        assertEquals("dsrlb show service: dsrlb is not running (no control socket at " + none + ")\n", err.toString());
        assertEquals("", out.toString());

        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        assertEquals(1, run("stat", "lb", "vserver", "--control-socket", stale.toString()));
        assertEquals(
                "dsrlb stat lb vserver: dsrlb is not running (nothing answers on control socket " + stale + ")\n",
                err.toString());
    }

    @Test
    void theDefaultSocketIsUnderRun() {
        run("show", "service", "--help");
        assertTrue(out.toString().contains("/run/dsrlb/dsrlb.sock)"), out.toString());
        run("run", "--help");
        assertTrue(out.toString().contains("--control-socket=PATH"), out.toString());
    }

    @Test
    void badArgumentsAreExit2() {
        assertEquals(2, show("show", "persistence", "--client", "192.0.2"));
        assertEquals("dsrlb show persistence: --client: not an IPv4 address: '192.0.2'\n", err.toString());
        assertEquals(2, run("show"));
        assertTrue(err.toString().contains("Missing required subcommand"), err.toString());
        assertEquals(2, run("stat", "lb"));
        assertEquals(2, show("show", "service", "a", "b"));
        assertEquals(2, run("show", "lb", "vserver", "--bogus"));
    }
}
