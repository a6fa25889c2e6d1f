package dsrlb.control;

import dsrlb.host.OwnUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may change the daemon through the control socket. The socket file's mode (0660) decides
 * who can connect at all; of those, the peer's credentials (SO_PEERCRED, taken by the kernel at
 * connect time, so they cannot be forged) decide what it may ask:
 *
 * <ul>
 *   <li>admin: root, the user the daemon runs as (dsrlb under the unit), a peer whose primary
 *       group is the admin group ({@code dsrlb-admin} by default, {@code --admin-group}), and
 *       the admin group's listed members;
 *   <li>read-only: everyone else who can connect (group dsrlb): {@code show}, {@code stat} and
 *       {@code ha status} ({@link Request#accessOf}).
 * </ul>
 *
 * <p>SO_PEERCRED carries the peer's effective uid and primary gid only, not its supplementary
 * groups. Reading them from {@code /proc/<pid>/status} would race with a peer that exits and
 * whose pid is reused, so the admin group's member list is resolved instead (through NSS, so
 * {@code /etc/group}, LDAP or sssd alike) when the daemon starts, and again at most every
 * {@link #REFRESH_NANOS} when a peer would be refused: {@code adduser alice dsrlb-admin} works
 * without a restart. A member is matched by user name. A group that does not exist makes only
 * root and the daemon's own user admin.
 */
public final class AccessPolicy {
    private static final Logger log = LoggerFactory.getLogger(AccessPolicy.class);

    public static final String DEFAULT_ADMIN_GROUP = "dsrlb-admin";
    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * A connected peer as SO_PEERCRED tells it.
     *
     * @param uid the effective user id
     * @param user the user's name (the uid's digits when it has no passwd entry)
     * @param group the primary group's name (or digits)
     */
    public record Peer(int uid, String user, String group) {}

    /** The admin group as resolved: its name and member user names; absent when it does not exist. */
    record Group(String name, Set<String> members) {}

    /** Resolves a group by name; empty when it does not exist. */
    @FunctionalInterface
    interface GroupLookup {
        Optional<Group> lookup(String name);
    }

    private final int ownUid;
    private final String ownUser;
    private final String adminGroup;
    private final GroupLookup lookup;
    private volatile Optional<Group> resolved;
    private volatile long resolvedAt;

    AccessPolicy(int ownUid, String ownUser, String adminGroup, GroupLookup lookup) {
        this.ownUid = ownUid;
        this.ownUser = ownUser;
        this.adminGroup = adminGroup;
        this.lookup = lookup;
        this.resolved = lookup.lookup(adminGroup);
        this.resolvedAt = System.nanoTime();
    }

    /** The policy for this process: its own uid and user, {@code adminGroup} looked up through getent. */
    public static AccessPolicy forThisProcess(String adminGroup) {
        int uid = OwnUser.uid();
        // Loads the name-to-uid lookup now, not inside the first admin request's deadline.
        PeerCredentials.uidOf("root");
        AccessPolicy p = new AccessPolicy(uid, System.getProperty("user.name"), adminGroup, AccessPolicy::getent);
        log.info("control socket: admin requests from {}; read-only for other users of the socket", p.admins());
        return p;
    }

    /** Whether {@code peer} may send {@code access} requests. */
    public boolean permits(Peer peer, Request.Access access) {
        if (access == Request.Access.READ_ONLY || isAdmin(peer, resolved)) {
            return true;
        }
        long now = System.nanoTime();
        if (now - resolvedAt >= REFRESH_NANOS) {
            resolved = lookup.lookup(adminGroup);
            resolvedAt = now;
            return isAdmin(peer, resolved);
        }
        return false;
    }

    private boolean isAdmin(Peer peer, Optional<Group> group) {
        if (peer.uid() == 0 || peer.uid() == ownUid) {
            return true;
        }
        return group.map(g -> peer.group().equals(g.name()) || g.members().contains(peer.user()))
                .orElse(false);
    }

    /** The answer to a peer refused {@code request}: what it needs and who it is. */
    public String refusal(Peer peer, String request) {
        return "permission denied: " + request.strip() + " needs admin (" + admins() + "); you are uid " + peer.uid()
                + " (" + peer.user() + ")";
    }

    /** "root, dsrlb or group dsrlb-admin", as the refusal and the start-up line say it. */
    String admins() {
        StringBuilder s = new StringBuilder("root");
        if (ownUid != 0) {
            s.append(", ").append(ownUser);
        }
        s.append(" or group ").append(adminGroup);
        if (resolved.isEmpty()) {
            s.append(" (no such group)");
        }
        return s.toString();
    }

    /**
     * {@code getent group NAME}: "name:x:gid:alice,bob". A lookup that fails is logged and
     * counts as no group (fewer admins, never more).
     */
    static Optional<Group> getent(String name) {
        try {
            Process p = new ProcessBuilder("getent", "group", name)
                    .redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readNBytes(1 << 20);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("getent group {} did not answer in 5 s; no admin group for now", name);
                return Optional.empty();
            }
            if (p.exitValue() != 0) {
                return Optional.empty();
            }
            return parseGroupLine(new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            log.warn("cannot look up group {} ({}); no admin group for now", name, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** One {@code /etc/group} line; empty if it is not one. */
    static Optional<Group> parseGroupLine(String line) {
        List<String> f = List.of(line.split(":", -1));
        if (f.size() != 4 || f.get(0).isEmpty()) {
            return Optional.empty();
        }
        Set<String> members = Arrays.stream(f.get(3).split(","))
                .map(String::strip)
                .filter(m -> !m.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        return Optional.of(new Group(f.get(0), members));
    }
}
