package dsrlb.doctor;

/** One check's outcome; {@code fix} says what to do when it is not OK. */
public record Finding(Level level, String check, String detail, String fix) {
    public enum Level {
        OK,
        WARN,
        FAIL
    }

    public static Finding ok(String check, String detail) {
        return new Finding(Level.OK, check, detail, null);
    }

    public static Finding warn(String check, String detail, String fix) {
        return new Finding(Level.WARN, check, detail, fix);
    }

    public static Finding fail(String check, String detail, String fix) {
        return new Finding(Level.FAIL, check, detail, fix);
    }
}
