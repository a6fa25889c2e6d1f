package dsrlb.balance;

/** The states a NetScaler operator knows; only UP services receive clients. */
public enum ServiceStatus {
    UP("UP"),
    DOWN("DOWN"),
    /** Disabled gracefully: no new clients, its clients finish (NetScaler's label). */
    GOING_OUT_OF_SERVICE("GOING OUT OF SERVICE"),
    OUT_OF_SERVICE("OUT OF SERVICE");

    private final String label;

    ServiceStatus(String label) {
        this.label = label;
    }

    /** How NetScaler prints it ({@code OUT OF SERVICE} with spaces). */
    public String label() {
        return label;
    }
}
