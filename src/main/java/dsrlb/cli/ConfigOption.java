package dsrlb.cli;

import dsrlb.config.ConfigException;
import dsrlb.config.ConfigFileSafety;
import dsrlb.config.ConfigParser;
import dsrlb.config.DsrConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by the commands that read a config. */
final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "Config in the NetScaler CLI dialect (see examples/seed.conf).")
    Path file;

    /** Loads the config, or prints {@code file:line: message} and returns null. */
    DsrConfig load(PrintWriter err) {
        return load(file, err);
    }

    /**
     * For {@code dsrlb run}: a config that others can write or replace ({@link ConfigFileSafety})
     * is refused (as sshd's StrictModes refuses such key files), each reason printed with its
     * fix; else as {@link #load(PrintWriter)}.
     */
    DsrConfig loadSafe(PrintWriter err) {
        List<String> problems = ConfigFileSafety.problems(file);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("dsrlb run: unsafe config: " + p));
            err.println("dsrlb run: refusing to run with " + file + " (whoever can write it decides where clients go)");
            return null;
        }
        return load(file, err);
    }

    /**
     * Loads a config, or prints {@code file:line: message} and returns null; a config others
     * can write draws a warning on {@code err} first (it is loaded all the same).
     */
    static DsrConfig load(Path file, PrintWriter err) {
        ConfigFileSafety.warning(file).ifPresent(w -> err.println("dsrlb: warning: " + w));
        try {
            return ConfigParser.load(file);
        } catch (ConfigException e) {
            err.println(e.getMessage());
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
        }
        return null;
    }
}
