package dsrlb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dsrlb.control.ControlClient;
import dsrlb.status.Json;
import dsrlb.status.Json.JsonException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reload}: the running dsrlb re-reads its config file (as SIGHUP does). */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Make the running dsrlb read its config file again. The new config is checked first: "
                    + "a bad one changes nothing and its file:line error is printed. Services and vservers that did "
                    + "not change keep their state and persisted clients. A new set of VIPs needs a restart."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:reloaded",
            "1:refused (the old config keeps running) or dsrlb is not running",
            "2:bad arguments"
        })
final class ReloadCommand implements Callable<Integer> {
    @Mixin
    ShowOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            String answer = ControlClient.request(options.controlSocket, "reload", ShowOptions.TIMEOUT);
            JsonNode json = Json.parseObject(answer);
            if (!json.path("ok").booleanValue()) {
                err.println("dsrlb reload: refused, the previous config keeps running: "
                        + Json.optionalText(json, "error"));
                return Main.EXIT_RUNTIME;
            }
            out.println(options.json ? answer : Json.optionalText(json, "message") + "\n Done");
            out.flush();
            return 0;
        } catch (IOException | JsonException e) {
            err.println("dsrlb reload: " + e.getMessage());
            return Main.EXIT_RUNTIME;
        }
    }
}
