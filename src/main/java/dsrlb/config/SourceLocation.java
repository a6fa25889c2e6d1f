package dsrlb.config;

/** Where a config line came from, for {@code file:line: message} errors. */
public record SourceLocation(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
