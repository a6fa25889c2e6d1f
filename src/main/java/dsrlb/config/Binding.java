package dsrlb.config;

/** {@code bind lb vserver <vserver> <service> [-weight n]}. */
public record Binding(String service, int weight, SourceLocation location) {
    public static final int DEFAULT_WEIGHT = 1;
}
