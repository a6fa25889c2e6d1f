package dsrlb.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaRoleFileTest {
    @TempDir
    Path dir;

    boolean active;
    int activations;

    final HaControl control = new HaControl() {
        @Override
        public void activate() {
            active = true;
            activations++;
        }

        @Override
        public void standby() {
            active = false;
        }

        @Override
        public boolean isActive() {
            return active;
        }
    };

    @Test
    void followsTheLatestRoleAndAnnouncesOncePerChange() throws Exception {
        Path file = dir.resolve("role");
        HaRoleFile follower = new HaRoleFile(file, control);
        follower.run();
        assertFalse(active, "no file: the start role stays");

        Files.writeString(file, "active\n");
        follower.run();
        follower.run();
        assertTrue(active);
        assertEquals(1, activations, "an unchanged file is not re-applied (one gratuitous ARP per takeover)");

        Files.writeString(file, "FAULT\n");
        follower.run();
        assertFalse(active);

        Files.writeString(file, "master");
        follower.run();
        assertTrue(active);
        assertEquals(2, activations);
    }

    @Test
    void nonsenseLeavesTheRoleAlone() throws Exception {
        Path file = dir.resolve("role");
        HaRoleFile follower = new HaRoleFile(file, control);
        Files.writeString(file, "active");
        follower.run();
        Files.writeString(file, "maybe");
        follower.run();
        assertTrue(active);
        Files.writeString(file, "x".repeat(1000));
        follower.run();
        assertTrue(active);
    }
}
