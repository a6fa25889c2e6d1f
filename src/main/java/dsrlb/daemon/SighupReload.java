package dsrlb.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** SIGHUP re-reads the config, as daemons do; the outcome is logged by the {@link Reloader}. */
final class SighupReload {
    private static final Logger log = LoggerFactory.getLogger("dsrlb");

    private SighupReload() {}

    /**
     * Installs the handler: each SIGHUP runs one reload on a thread of its own, off the JVM's
     * signal thread. Where the JVM keeps SIGHUP for itself (-Xrs, some embeddings), says so and
     * points at {@code dsrlb reload} instead.
     */
    @SuppressWarnings("removal")
    static void install(Reloader reloader) {
        try {
            Signal.handle(new Signal("HUP"), sig -> {
                Thread t = new Thread(reloader::reload, "dsrlb-reload");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            log.warn("SIGHUP cannot be handled here ({}); use `dsrlb reload`", e.getMessage());
        }
    }
}
