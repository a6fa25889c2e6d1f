package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dsrlb.control.ControlServer;
import dsrlb.ha.HaControl;
import dsrlb.ha.HaResponder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** dsrlb ha status|standby against an in-process control socket: the role, and the announcement when there is one. */
class HaCommandTest {
    @TempDir
    Path dir;

    /** A node whose liveness interface follows its role, as the daemon's does with services UP. */
    static final class Node implements HaControl {
        final boolean announcing;
        boolean active = true;

        Node(boolean announcing) {
            this.announcing = announcing;
        }

        @Override
        public void activate() {
            active = true;
        }

        @Override
        public void standby() {
            active = false;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public Announcement announcement() {
            return announcing ? new Announcement("dsrlb-up", active) : null;
        }
    }

    String run(Node node, String... args) throws IOException {
        Path socket = dir.resolve("dsrlb-" + System.nanoTime() + ".sock");
        try (ControlServer server = ControlServer.start(socket, new HaResponder(node, line -> "{}"))) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(out, true));
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--control-socket";
            all[args.length + 1] = socket.toString();
            assertEquals(0, cl.execute(all), out.toString());
            return out.toString();
        }
    }

    @Test
    void printsTheAnnouncementUnderTheRoleOnlyWhenThereIsOne() throws IOException {
        assertEquals("ha: active\n", run(new Node(false), "ha", "status"));
        Node announcing = new Node(true);
        assertEquals("ha: active\nannounce: dsrlb-up up\n", run(announcing, "ha", "status"));
        assertEquals("ha: standby\nannounce: dsrlb-up down\n", run(announcing, "ha", "standby"));
    }
}
