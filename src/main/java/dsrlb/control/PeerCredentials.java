package dsrlb.control;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The peer of an accepted control connection, from SO_PEERCRED (Java's
 * {@link ExtendedSocketOptions#SO_PEERCRED}). Java names the user and primary group (the
 * kernel's uid and gid looked up through NSS, or their digits when they have no entry) but
 * hides the numbers; the uid comes back from the name with getpwnam_r.
 */
final class PeerCredentials {
    private PeerCredentials() {}

    /** The connected peer; IOException when the kernel cannot say (not a Unix socket). */
    static AccessPolicy.Peer of(SocketChannel c) throws IOException {
        UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = p.user().getName();
        return new AccessPolicy.Peer(uidOf(user), user, p.group().getName());
    }

    /** The uid of user {@code name}; -1 when it cannot be found (never 0 by mistake). */
    static int uidOf(String name) {
        if (name.matches("[0-9]{1,10}")) {
            long n = Long.parseLong(name);
            return n <= Integer.MAX_VALUE ? (int) n : -1;
        }
        try {
            return Libc.uidOf(name);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return -1;
        }
    }

    /** getpwnam_r: the reentrant lookup (workers serve two connections at once). */
    private static final class Libc {
        /** struct passwd on LP64 glibc: two pointers, then uid_t pw_uid at byte 16. */
        private static final int PW_UID_OFFSET = 2 * 8;

        private static final int PASSWD_SIZE = 64;
        private static final int BUFFER_SIZE = 16_384;

        interface C extends Library {
            int getpwnam_r(String name, Pointer pwd, Pointer buf, NativeLong buflen, PointerByReference result);
        }

        private static final C LIBC = Native.load("c", C.class);

        static int uidOf(String name) {
            if (Native.POINTER_SIZE != 8) {
                return -1;
            }
            try (Memory pwd = new Memory(PASSWD_SIZE);
                    Memory buf = new Memory(BUFFER_SIZE)) {
                PointerByReference result = new PointerByReference();
                int rc = LIBC.getpwnam_r(name, pwd, buf, new NativeLong(BUFFER_SIZE), result);
                if (rc != 0 || result.getValue() == null) {
                    return -1;
                }
                return pwd.getInt(PW_UID_OFFSET);
            }
        }
    }
}
