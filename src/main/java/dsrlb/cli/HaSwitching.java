package dsrlb.cli;

import dsrlb.admin.AdminClient;
import dsrlb.admin.JsonParser.JsonException;
import dsrlb.admin.ResponseReader;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** Sends an {@code ha} request to the running dsrlb and prints the role it is in afterwards. */
final class HaSwitching {
    private HaSwitching() {}

    static int send(CommandSpec spec, ShowOptions options, String line) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = spec.qualifiedName();
        try {
            String answer = AdminClient.request(options.controlSocket, line, ShowOptions.TIMEOUT);
            ResponseReader reader = ResponseReader.of(answer);
            String error = reader.error();
            if (error != null) {
                err.println(command + ": " + error);
                return Main.EXIT_RUNTIME;
            }
            out.println(options.json ? answer : "ha: " + reader.haRole());
            out.flush();
            return 0;
        } catch (IOException | JsonException e) {
            err.println(command + ": " + e.getMessage());
            return Main.EXIT_RUNTIME;
        }
    }
}
