package dsrlb.cli;

import dsrlb.control.ControlClient;
import dsrlb.control.ResponseReader;
import dsrlb.status.Json.JsonException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Sends one request that changes the running dsrlb (enable/disable a service, switch the HA
 * role) and prints the outcome: the JSON answer with --json, else one line made from it.
 */
final class ControlRequest {
    /** The line printed for a successful answer. */
    @FunctionalInterface
    interface Outcome {
        String text(ResponseReader answer) throws JsonException;
    }

    private ControlRequest() {}

    static int send(CommandSpec spec, ShowOptions options, String line, Outcome outcome) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = spec.qualifiedName();
        try {
            String answer = ControlClient.request(options.controlSocket, line, ShowOptions.TIMEOUT);
            ResponseReader reader = ResponseReader.of(answer);
            String error = reader.error();
            if (error != null) {
                err.println(command + ": " + error);
                return Main.EXIT_RUNTIME;
            }
            out.println(options.json ? answer : outcome.text(reader));
            out.flush();
            return 0;
        } catch (IOException | JsonException e) {
            err.println(command + ": " + e.getMessage());
            return Main.EXIT_RUNTIME;
        }
    }

    /** Sends an {@code ha} request and prints the role dsrlb is in afterwards (and its announcement). */
    static int ha(CommandSpec spec, ShowOptions options, String line) {
        return send(spec, options, line, r -> {
            String announce = r.announce();
            return "ha: " + r.haRole() + (announce == null ? "" : "\nannounce: " + announce);
        });
    }

    /** Sends an enable/disable request and prints the service's new state. */
    static int service(CommandSpec spec, ShowOptions options, String line, String service) {
        return send(spec, options, line, r -> "service " + service + ": " + r.serviceState() + "\n Done");
    }

    /** Quotes a name for the request line the way the config does, when it holds spaces. */
    static String token(String name) {
        return name.matches("[^\\s\"]+")
                ? name
                : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
