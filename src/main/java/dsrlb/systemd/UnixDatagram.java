package dsrlb.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One datagram to a Unix socket path (or an abstract name, {@code @name}), through libc: the
 * JDK's Unix-domain channels are stream sockets only, and sd_notify's socket is a datagram one.
 */
final class UnixDatagram {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    /** sizeof(struct sockaddr_un): the family (2 bytes) and 108 bytes of path. */
    static final int SOCKADDR_UN = 110;

    private static boolean linked;

    private UnixDatagram() {}

    static synchronized void link() throws IOException {
        if (!linked) {
            try {
                Native.register(UnixDatagram.class, "c");
                linked = true;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new IOException("libc cannot be linked: " + e.getMessage(), e);
            }
        }
    }

    /** struct sockaddr_un for {@code path}; the returned length is what the kernel is told. */
    static byte[] address(String path, int[] length) throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length >= SOCKADDR_UN - 2) {
            throw new IOException("bad Unix socket address '" + path + "'");
        }
        byte[] addr = new byte[SOCKADDR_UN];
        // sa_family_t in the machine's order: x86-64 and arm64 are both little-endian.
        addr[0] = (byte) AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        if (name[0] == '@') {
            // An abstract name: a leading NUL and exactly the name's bytes, no terminator.
            addr[2] = 0;
            length[0] = 2 + name.length;
        } else {
            length[0] = 2 + name.length + 1;
        }
        return addr;
    }

    static void send(String path, byte[] message) throws IOException {
        link();
        int[] length = new int[1];
        byte[] addr = address(path, length);
        int fd;
        try {
            fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): errno " + e.getErrorCode(), e);
        }
        try {
            sendto(fd, message, message.length, 0, addr, length[0]);
        } catch (LastErrorException e) {
            throw new IOException("sendto " + path + ": errno " + e.getErrorCode(), e);
        } finally {
            close(fd);
        }
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen)
            throws LastErrorException;

    static native int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native int close(int fd);
}
