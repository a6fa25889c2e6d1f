package dsrlb.config;

/** Administrative state written in the config ({@code add service ... -state DISABLED}, {@code disable service}). */
public enum ServiceState {
    ENABLED,
    DISABLED
}
