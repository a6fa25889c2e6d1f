package dsrlb.config;

/** A config error; its message is {@code file:line: message} (or {@code file:line:col: message}). */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SourceLocation location;

    public ConfigException(SourceLocation location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    public SourceLocation location() {
        return location;
    }
}
