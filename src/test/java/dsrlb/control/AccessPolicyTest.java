package dsrlb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.AccessPolicy.Group;
import dsrlb.control.AccessPolicy.Peer;
import dsrlb.control.Request.Access;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which requests only read, and which peers are admin, with made-up peers and groups. */
class AccessPolicyTest {
    static final int DSRLB_UID = 998;
    static final Group ADMINS = new Group("dsrlb-admin", Set.of("alice"));

    static AccessPolicy policy(Optional<Group> admins) {
        return new AccessPolicy(DSRLB_UID, "dsrlb", "dsrlb-admin", name -> admins);
    }

    @Test
    void showStatAndHaStatusOnlyReadEverythingElseNeedsAdmin() {
        for (String line : new String[] {
            "show lb vserver", "SHOW service s1", "stat lb vserver tftp", "show persistence 192.0.2.10",
            "ha status", "HA Status", "", "show service \"unterminated"
        }) {
            assertEquals(Access.READ_ONLY, Request.accessOf(line), line);
        }
        for (String line : new String[] {
            "enable service s1",
            "disable service s1 -graceful YES",
            "reload",
            "ha active",
            "ha standby",
            "ha status now",
            "ha",
            "frobnicate",
            "Disable service s1"
        }) {
            assertEquals(Access.ADMIN, Request.accessOf(line), line);
        }
    }

    @Test
    void rootTheDaemonsUserAndTheAdminGroupAreAdminOthersReadOnly() {
        AccessPolicy p = policy(Optional.of(ADMINS));
        assertTrue(p.permits(new Peer(0, "root", "root"), Access.ADMIN));
        assertTrue(p.permits(new Peer(DSRLB_UID, "dsrlb", "dsrlb"), Access.ADMIN));
        assertTrue(p.permits(new Peer(1001, "alice", "alice"), Access.ADMIN), "a listed member");
        assertTrue(p.permits(new Peer(1002, "bob", "dsrlb-admin"), Access.ADMIN), "primary group");

        Peer carol = new Peer(1003, "carol", "dsrlb");
        assertTrue(p.permits(carol, Access.READ_ONLY));
        assertFalse(p.permits(carol, Access.ADMIN));
        assertEquals(
                "permission denied: disable service s1 needs admin (root, dsrlb or group dsrlb-admin); "
                        + "you are uid 1003 (carol)",
                p.refusal(carol, "disable service s1"));
        assertFalse(p.permits(new Peer(-1, "unknown", "unknown"), Access.ADMIN), "credentials unknown");
    }

    @Test
    void withoutTheGroupOnlyRootAndTheDaemonsUserAreAdmin() {
        AccessPolicy p = policy(Optional.empty());
        assertTrue(p.permits(new Peer(0, "root", "root"), Access.ADMIN));
        assertTrue(p.permits(new Peer(DSRLB_UID, "dsrlb", "dsrlb"), Access.ADMIN));
        assertFalse(p.permits(new Peer(1002, "bob", "dsrlb-admin"), Access.ADMIN));
        assertEquals("root, dsrlb or group dsrlb-admin (no such group)", p.admins());
    }

    @Test
    void aRefusalLooksTheGroupUpAgainAtMostEveryFewSeconds() {
        AtomicInteger lookups = new AtomicInteger();
        AccessPolicy p = new AccessPolicy(DSRLB_UID, "dsrlb", "dsrlb-admin", name -> {
            lookups.incrementAndGet();
            return Optional.of(ADMINS);
        });
        Peer dave = new Peer(1004, "dave", "dave");
        assertFalse(p.permits(dave, Access.ADMIN));
        assertFalse(p.permits(dave, Access.ADMIN));
        assertEquals(1, lookups.get(), "once at start; a refusal within the refresh period asks nobody");
    }

    @Test
    void readsGroupLines() {
        assertEquals(
                Optional.of(new Group("dsrlb-admin", Set.of("alice", "bob"))),
                AccessPolicy.parseGroupLine("dsrlb-admin:x:997:alice,bob"));
        assertEquals(
                Optional.of(new Group("dsrlb-admin", Set.of())), AccessPolicy.parseGroupLine("dsrlb-admin:x:997:"));
        assertEquals(Optional.empty(), AccessPolicy.parseGroupLine("garbage"));
    }

    @Test
    void theUidOfANamedUserAndOfBareDigits() {
        assertEquals(0, PeerCredentials.uidOf("root"));
        assertEquals(4242, PeerCredentials.uidOf("4242"));
        assertEquals(-1, PeerCredentials.uidOf("no-such-user-dsrlb-test"));
    }
}
