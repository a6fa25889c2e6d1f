package dsrlb.announce;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A non-persistent TUN device as the liveness interface: the kernel deletes it when its file
 * descriptor closes, so it dies with the process however the process ends (SIGKILL, OOM, a
 * crash), and a routing daemon that routes the VIPs via it withdraws them at once. Carries no
 * address and no traffic: nothing reads it, nothing routes into it in the kernel.
 *
 * <p>Through libc by JNA, as {@code systemd.UnixDatagram}: the JDK has no ioctl.
 */
public final class TunInterface implements LinkSwitch, AutoCloseable {
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    /** _IOW('T', 202, int) from linux/if_tun.h. */
    static final long TUNSETIFF = 0x400454caL;

    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    /** Only a new device: never attach to an existing (perhaps persistent) one of that name. */
    static final short IFF_TUN_EXCL = (short) 0x8000;

    static final short IFF_UP = 0x1;
    /** IFNAMSIZ: the name and its terminating NUL. */
    static final int IFNAMSIZ = 16;
    /** sizeof(struct ifreq) on 64-bit Linux: the name and a 24-byte union. */
    static final int IFREQ = 40;

    private static boolean linked;

    private final String name;
    private int fd;

    private TunInterface(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /** A checked interface name: what the kernel accepts (1..15 bytes, no '/', ':' or space). */
    public static String checkName(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0
                || b.length >= IFNAMSIZ
                || !name.matches("[A-Za-z0-9_.-]+")
                || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
        }
        return name;
    }

    /**
     * Creates the device, administratively down. Always a new one (IFF_TUN_EXCL): an existing
     * interface of that name, such as another dsrlb's, is EBUSY; without CAP_NET_ADMIN, EPERM.
     */
    public static TunInterface open(String name) throws IOException {
        checkName(name);
        link();
        int fd;
        try {
            fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("open /dev/net/tun: " + errno(e), e);
        }
        byte[] ifr = ifreq(name);
        short flags = (short) (IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL);
        ifr[IFNAMSIZ] = (byte) flags;
        ifr[IFNAMSIZ + 1] = (byte) (flags >> 8);
        try {
            ioctl(fd, TUNSETIFF, ifr);
        } catch (LastErrorException e) {
            close(fd);
            throw new IOException(
                    "create TUN interface " + name + ": " + errno(e)
                            + (e.getErrorCode() == 16 ? " (an interface of that name exists: another dsrlb?)" : ""),
                    e);
        }
        return new TunInterface(name, fd);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void setUp(boolean up) throws IOException {
        if (fd < 0) {
            throw new IOException(name + " is closed");
        }
        int sock;
        try {
            sock = socket(AF_INET, SOCK_DGRAM | O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_INET): " + errno(e), e);
        }
        try {
            byte[] ifr = ifreq(name);
            ioctl(sock, SIOCGIFFLAGS, ifr);
            int flags = (ifr[IFNAMSIZ] & 0xff) | (ifr[IFNAMSIZ + 1] & 0xff) << 8;
            flags = up ? flags | IFF_UP : flags & ~IFF_UP;
            ifr[IFNAMSIZ] = (byte) flags;
            ifr[IFNAMSIZ + 1] = (byte) (flags >> 8);
            ioctl(sock, SIOCSIFFLAGS, ifr);
        } catch (LastErrorException e) {
            throw new IOException("set " + name + (up ? " up" : " down") + ": " + errno(e), e);
        } finally {
            close(sock);
        }
    }

    /** Deletes the device (the kernel does so when the descriptor closes). */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
    }

    static byte[] ifreq(String name) {
        byte[] ifr = new byte[IFREQ];
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, ifr, 0, b.length);
        return ifr;
    }

    private static String errno(LastErrorException e) {
        return switch (e.getErrorCode()) {
            case 1 -> "EPERM (needs CAP_NET_ADMIN)";
            case 2 -> "ENOENT (no /dev/net/tun: the tun module, or PrivateDevices=yes in a unit)";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 19 -> "ENODEV";
            case 22 -> "EINVAL (the name belongs to an interface that is not a TUN device)";
            default -> "errno " + e.getErrorCode();
        };
    }

    private static synchronized void link() throws IOException {
        if (!linked) {
            try {
                Native.register(TunInterface.class, "c");
                linked = true;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new IOException("libc cannot be linked: " + e.getMessage(), e);
            }
        }
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int close(int fd);
}
