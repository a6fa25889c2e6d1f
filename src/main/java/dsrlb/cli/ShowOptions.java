package dsrlb.cli;

import dsrlb.control.ControlClient;
import dsrlb.control.ControlServer;
import dsrlb.control.Request;
import dsrlb.control.ResponseReader;
import dsrlb.status.Json.JsonException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** What every {@code show}/{@code stat} command shares: where the daemon is, and JSON or text. */
final class ShowOptions {
    /** A full persistence listing of a big table takes a moment to build; a hung daemon should not hang us. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Option(
            names = "--control-socket",
            defaultValue = ControlServer.DEFAULT_PATH,
            paramLabel = "PATH",
            description = "Control socket of the running dsrlb (default: ${DEFAULT-VALUE}).")
    Path controlSocket;

    @Option(names = "--json", description = "Print the daemon's JSON answer as it is (one object).")
    boolean json;

    /** Turns a successful answer into text. */
    interface Renderer {
        String render(ResponseReader answer) throws JsonException;
    }

    /** Asks the daemon and prints its answer; exit 0, or 1 when it is not running or says no. */
    int execute(CommandSpec spec, Request request, Renderer renderer) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = spec.qualifiedName();
        String answer;
        try {
            answer = ControlClient.request(controlSocket, request.toLine(), TIMEOUT);
        } catch (IOException e) {
            err.println(command + ": " + e.getMessage());
            return Main.EXIT_RUNTIME;
        }
        try {
            ResponseReader reader = ResponseReader.of(answer);
            String error = reader.error();
            if (json) {
                out.println(answer);
                out.flush();
            }
            if (error != null) {
                err.println(command + ": " + error);
                return Main.EXIT_RUNTIME;
            }
            if (!json) {
                out.print(renderer.render(reader));
                out.flush();
            }
            return 0;
        } catch (JsonException e) {
            err.println(command + ": unexpected answer from " + controlSocket + ": " + e.getMessage());
            return Main.EXIT_RUNTIME;
        }
    }
}
