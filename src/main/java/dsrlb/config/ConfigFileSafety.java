package dsrlb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * Whoever can write the config decides where every client's traffic goes, so a config that
 * users other than root and dsrlb's own group can write draws a warning (not a refusal: a
 * lab or a laptop may want it so, and the operator is told once at each load).
 */
public final class ConfigFileSafety {
    /** Groups that may write the config: root's, and the group the Debian package runs dsrlb as. */
    static final Set<String> TRUSTED_GROUPS = Set.of("root", "dsrlb");

    private ConfigFileSafety() {}

    /** The warning for this file, if its mode lets others write it; nothing when it cannot be read. */
    public static Optional<String> warning(Path file) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        return warning(file, a.permissions(), a.group().getName());
    }

    static Optional<String> warning(Path file, Set<PosixFilePermission> mode, String group) {
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
}
