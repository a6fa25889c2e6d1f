package dsrlb.engine;

import java.io.IOException;

/** An engine cannot run here; the message says why in words an operator can act on. */
public final class EngineUnavailableException extends IOException {
    private final EngineKind kind;
    private final boolean conflict;

    public EngineUnavailableException(EngineKind kind, String reason, Throwable cause) {
        this(kind, reason, cause, false);
    }

    /** @param conflict the host could run it, but something of another owner is in the way: auto must not hide that */
    public EngineUnavailableException(EngineKind kind, String reason, Throwable cause, boolean conflict) {
        super(reason, cause);
        this.kind = kind;
        this.conflict = conflict;
    }

    public boolean conflict() {
        return conflict;
    }

    public EngineKind kind() {
        return kind;
    }
}
