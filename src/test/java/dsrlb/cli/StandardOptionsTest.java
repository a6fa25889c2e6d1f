package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command and subcommand of the tree answers --help and --version. */
class StandardOptionsTest {
    /** Each command as the argument list that reaches it, e.g. [show, lb, vserver]. */
    private static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), paths);
        return paths;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            // Aliases appear under each of their names; visit a command once, by its own name.
            if (name.equals(sub.getCommandName())) {
                path.add(name);
                walk(sub, path, into);
                path.remove(path.size() - 1);
            }
        });
    }

    private static CommandLine at(CommandLine root, List<String> path) {
        CommandLine cl = root;
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        return cl;
    }

    @Test
    void theTreeHasTheCommandsTheReadmeNames() {
        List<String> names =
                commandPaths().stream().map(p -> String.join(" ", p)).toList();
        for (String expected : List.of(
                "run",
                "check",
                "doctor",
                "backend-setup",
                "show lb vserver",
                "stat lb vserver",
                "show service",
                "show persistence",
                "enable service",
                "disable service",
                "probe",
                "storm",
                "bench rtt",
                "bench echo",
                "bench heap",
                "bench status",
                "help")) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
    }

    @TestFactory
    List<DynamicTest> everyCommandHasHelpAndVersionOptions() {
        List<DynamicTest> tests = new ArrayList<>();
        for (List<String> path : commandPaths()) {
            String name = ("dsrlb " + String.join(" ", path)).trim();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                CommandLine cl = at(Main.commandLine(), path);
                OptionSpec help = cl.getCommandSpec().findOption("--help");
                OptionSpec version = cl.getCommandSpec().findOption("--version");
                assertNotNull(help, name + " has no --help");
                assertNotNull(version, name + " has no --version");
                assertTrue(help.usageHelp(), name + " --help is not usage help");
                assertTrue(version.versionHelp(), name + " --version is not version help");
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyCommandPrintsItsUsageAndTheVersion() {
        List<DynamicTest> tests = new ArrayList<>();
        for (List<String> path : commandPaths()) {
            String name = ("dsrlb " + String.join(" ", path)).trim();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                StringWriter out = new StringWriter();
                assertEquals(0, execute(out, path, "--version"), name + " --version");
                assertTrue(out.toString().startsWith("dsrlb "), name + " --version printed: " + out);

                out = new StringWriter();
                assertEquals(0, execute(out, path, "--help"), name + " --help");
                assertTrue(
                        out.toString().lines().anyMatch(l -> l.startsWith("Usage: " + name)),
                        name + " --help printed: " + out);
            }));
        }
        return tests;
    }

    private static int execute(StringWriter out, List<String> path, String option) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        List<String> args = new ArrayList<>(path);
        args.add(option);
        return cl.execute(args.toArray(String[]::new));
    }
}
