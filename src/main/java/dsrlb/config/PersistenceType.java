package dsrlb.config;

public enum PersistenceType {
    NONE,
    SOURCEIP
}
