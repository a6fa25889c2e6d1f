package dsrlb.config;

import dsrlb.host.OwnUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whoever can write the config, or replace it or a directory on its path, decides where every
 * client's traffic goes. The rules are sshd's StrictModes (its {@code safe_path}: owner root
 * or the user, no group or other write, on the file and every directory up to /), with the
 * one exception sshd's callers need for /tmp: a directory that others may write is safe when
 * it is sticky and owned by root (nobody else can rename or remove what is in it).
 *
 * <ul>
 *   <li>the file (its real path, symlinks followed) is owned by root or the daemon's user;
 *   <li>no other user may write it ({@code o+w}), nor a group other than root's or
 *       {@code dsrlb-admin} ({@code g+w}): group dsrlb is the control socket's read-only users,
 *       and writing the config would let them change what {@code reload} does;
 *   <li>every directory above it is owned by root or the daemon's user and writable by nobody
 *       else (no {@code g+w}/{@code o+w}), unless it is sticky and owned by root, as /tmp is.
 * </ul>
 *
 * <p>{@code dsrlb run} refuses to start on such a file and a reload (dsrlb reload, SIGHUP)
 * refuses it and keeps the running config; {@code dsrlb check} reports it as a warning.
 */
public final class ConfigFileSafety {
    /** Groups that may write the config: root's, and the admin group of the control socket. */
    static final Set<String> TRUSTED_GROUPS = Set.of("root", "dsrlb-admin");

    private ConfigFileSafety() {}

    /** The warning for this file, if its mode lets others write it; nothing when it cannot be read. */
    public static Optional<String> warning(Path file) {
        List<String> p = problems(file);
        return p.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", p));
    }

    /** What makes {@code file} unsafe for this process (its own uid trusted besides root); empty when safe. */
    public static List<String> problems(Path file) {
        return problems(file, OwnUser.uid());
    }

    static List<String> problems(Path file, int ownUid) {
        List<String> problems = new ArrayList<>();
        Path real;
        PosixFileAttributes a;
        try {
            real = file.toRealPath();
            a = Files.readAttributes(real, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            // Missing or unreadable: the load says so with its own message.
            return problems;
        }
        String shown = real.equals(file) ? file.toString() : file + " (" + real + ")";
        int owner = uid(real);
        if (owner != 0 && owner != ownUid) {
            problems.add(shown + " is owned by " + a.owner().getName() + ", not root or the user dsrlb runs as: "
                    + "its owner can change where clients are sent; fix it with chown root " + real);
        }
        warning(shown, a.permissions(), a.group().getName()).ifPresent(problems::add);
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            PosixFileAttributes d;
            try {
                d = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                problems.add("cannot check directory " + dir + ": " + e.getMessage());
                break;
            }
            int dirOwner = uid(dir);
            Set<PosixFilePermission> m = d.permissions();
            boolean othersWrite =
                    m.contains(PosixFilePermission.GROUP_WRITE) || m.contains(PosixFilePermission.OTHERS_WRITE);
            boolean stickyRoot = dirOwner == 0 && sticky(dir);
            if (dirOwner != 0 && dirOwner != ownUid) {
                problems.add("directory " + dir + " (above " + real + ") is owned by "
                        + d.owner().getName()
                        + ", not root or the user dsrlb runs as: its owner can replace the config; fix it with "
                        + "chown root " + dir);
            } else if (othersWrite && !stickyRoot) {
                problems.add("directory " + dir + " (above " + real + ") is writable by "
                        + (m.contains(PosixFilePermission.OTHERS_WRITE)
                                ? "every user"
                                : "group " + d.group().getName())
                        + ": they can replace the config; fix it with chmod go-w " + dir);
            }
        }
        return problems;
    }

    static Optional<String> warning(String file, Set<PosixFilePermission> mode, String group) {
        if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            return Optional.of(file + " is writable by every user (mode o+w): anyone on this host can change "
                    + "where clients are sent; fix it with chmod o-w " + file);
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) && !TRUSTED_GROUPS.contains(group)) {
            return Optional.of(file + " is writable by group '" + group + "' (mode g+w): its members can change "
                    + "where clients are sent; fix it with chmod g-w " + file + " (or chgrp root)");
        }
        return Optional.empty();
    }

    private static int uid(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static boolean sticky(Path dir) {
        try {
            return ((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 01000) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
