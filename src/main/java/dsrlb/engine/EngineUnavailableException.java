package dsrlb.engine;

import java.io.IOException;

/** An engine cannot run here; the message says why in words an operator can act on. */
public final class EngineUnavailableException extends IOException {
    private final EngineKind kind;

    public EngineUnavailableException(EngineKind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public EngineKind kind() {
        return kind;
    }
}
