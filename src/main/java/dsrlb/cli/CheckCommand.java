package dsrlb.cli;

import dsrlb.config.DsrConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Loads a config and reports what it holds, without touching the network. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Check a config: exit 0 when it loads, 2 with file:line: message when not.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DsrConfig c = config.load(spec.commandLine().getErr());
        if (c == null) {
            return Main.EXIT_USAGE;
        }
        c.notices().forEach(n -> out.println("note: " + n));
        out.printf(
                "%s: OK: %d VIP(s), %d server(s), %d service(s), %d vserver(s)%n",
                config.file,
                c.vips().size(),
                c.servers().size(),
                c.services().size(),
                c.vservers().size());
        return 0;
    }
}
