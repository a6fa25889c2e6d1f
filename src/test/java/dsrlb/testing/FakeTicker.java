package dsrlb.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/** A clock the test moves by hand. */
public final class FakeTicker implements Ticker {
    private long nanos;

    @Override
    public long read() {
        return nanos;
    }

    public void advance(Duration d) {
        nanos += d.toNanos();
    }
}
