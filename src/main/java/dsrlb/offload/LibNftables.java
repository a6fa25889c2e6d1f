package dsrlb.offload;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@link Nftables} through libnftables (Debian: libnftables1), in process: a decision costs
 * one library call, not a fork of nft. The context is not thread-safe, so calls are serialized.
 */
public final class LibNftables implements Nftables {
    /** NFT_CTX_OUTPUT_JSON in nftables/libnftables.h. */
    private static final int OUTPUT_JSON = 1 << 4;

    /** Why loading failed once: a second try would fail the same way. Kept as text, not as the Error. */
    private static volatile String loadFailure;

    private static volatile boolean loaded;

    /**
     * Every call into libnftables, of every context, takes this: the library is not thread-safe
     * across contexts (its JSON printer of a set's or map's type splits the type name with
     * strtok(3), whose state is process-wide), and two contexts used at once from two threads
     * (dsrlb on two interfaces: a writer and a read-back each) aborted the JVM with "json.c:71:
     * set_dtype_json: Assertion `__out' failed" (MultiInterfaceIT, once in four starts). One
     * call at a time costs a second interface's writer a wait while the first reads back a map.
     */
    private static final Object LIBRARY = new Object();

    /** Guarded by {@link #LIBRARY}. */
    private Pointer ctx;

    private LibNftables(Pointer ctx) {
        this.ctx = ctx;
    }

    /**
     * Opens a libnftables context that answers in JSON.
     *
     * @throws IOException when libnftables cannot be loaded
     */
    public static LibNftables open() throws IOException {
        load();
        synchronized (LIBRARY) {
            Pointer ctx = nft_ctx_new(0);
            if (ctx == null) {
                throw new IOException("libnftables: nft_ctx_new failed");
            }
            nft_ctx_buffer_output(ctx);
            nft_ctx_buffer_error(ctx);
            nft_ctx_output_set_flags(ctx, OUTPUT_JSON);
            return new LibNftables(ctx);
        }
    }

    private static synchronized void load() throws IOException {
        if (loaded) {
            return;
        }
        if (loadFailure == null) {
            try {
                NativeLibrary lib;
                try {
                    lib = NativeLibrary.getInstance("nftables");
                } catch (UnsatisfiedLinkError e) {
                    // Debian ships only the versioned name unless libnftables-dev is installed.
                    lib = NativeLibrary.getInstance("libnftables.so.1");
                }
                Native.register(LibNftables.class, lib);
                loaded = true;
                return;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                loadFailure = String.valueOf(e.getMessage());
            }
        }
        throw new IOException(
                "libnftables cannot be loaded (" + loadFailure + "); install it: apt-get install libnftables1");
    }

    @Override
    public String run(String commands) throws NftablesException {
        synchronized (LIBRARY) {
            Pointer out = runForOutput(commands);
            return out == null ? "" : out.getString(0, StandardCharsets.UTF_8.name());
        }
    }

    /**
     * Streams the output from libnftables' own buffer, a chunk at a time, under the context's
     * lock: the heap holds one chunk of it (and Jackson's buffer), never the whole text.
     */
    @Override
    public void run(String commands, OutputReader reader) throws IOException {
        synchronized (LIBRARY) {
            Pointer out = runForOutput(commands);
            try (InputStream in = out == null ? InputStream.nullInputStream() : new NativeText(out)) {
                reader.read(in);
            }
        }
    }

    /** Runs a batch; its output buffer (NUL-terminated, libnftables' memory until the next call) or null. */
    private Pointer runForOutput(String commands) throws NftablesException {
        if (ctx == null) {
            throw new NftablesException("libnftables context closed");
        }
        int rc = nft_run_cmd_from_buffer(ctx, commands);
        Pointer out = nft_ctx_get_output_buffer(ctx);
        String err = nft_ctx_get_error_buffer(ctx);
        if (rc != 0) {
            throw new NftablesException(err == null || err.isBlank() ? "nft failed (" + rc + ")" : err.strip());
        }
        return out;
    }

    /** A NUL-terminated native string read as bytes, without copying it whole. */
    private static final class NativeText extends InputStream {
        private final Pointer text;
        private final long length;
        private long position;

        NativeText(Pointer text) {
            this.text = text;
            // A native scan for the NUL (Pointer.indexOf); -1 cannot happen for libnftables' buffer.
            this.length = Math.max(0, text.indexOf(0, (byte) 0));
        }

        @Override
        public int read() {
            return position < length ? text.getByte(position++) & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            text.read(position, b, off, n);
            position += n;
            return n;
        }
    }

    @Override
    public void close() {
        synchronized (LIBRARY) {
            if (ctx != null) {
                nft_ctx_free(ctx);
                ctx = null;
            }
        }
    }

    private static native Pointer nft_ctx_new(int flags);

    private static native void nft_ctx_free(Pointer ctx);

    private static native int nft_ctx_buffer_output(Pointer ctx);

    private static native int nft_ctx_buffer_error(Pointer ctx);

    private static native Pointer nft_ctx_get_output_buffer(Pointer ctx);

    private static native String nft_ctx_get_error_buffer(Pointer ctx);

    private static native void nft_ctx_output_set_flags(Pointer ctx, int flags);

    private static native int nft_run_cmd_from_buffer(Pointer ctx, String buf);
}
