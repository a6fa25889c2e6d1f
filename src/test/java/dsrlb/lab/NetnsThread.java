package dsrlb.lab;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs code in this JVM inside a lab namespace: setns(2) moves only the calling thread, and
 * sockets keep the namespace they were made in, so a socket opened here belongs to the lab
 * namespace while the rest of the JVM stays where it was. The thread is thrown away after, never
 * reused, so nothing else ever runs in the namespace by accident.
 */
final class NetnsThread {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;

    static {
        Native.register(NetnsThread.class, "c");
    }

    private NetnsThread() {}

    static <T> T call(String namespace, Callable<T> body) throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + namespace);
            t.setDaemon(true);
            return t;
        });
        try {
            Future<T> f = one.submit(() -> {
                int fd = open("/var/run/netns/" + namespace, O_RDONLY);
                try {
                    setns(fd, CLONE_NEWNET);
                } finally {
                    close(fd);
                }
                return body.call();
            });
            return f.get();
        } finally {
            one.shutdownNow();
        }
    }

    private static native int open(String path, int flags) throws LastErrorException;

    private static native int setns(int fd, int nstype) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;
}
