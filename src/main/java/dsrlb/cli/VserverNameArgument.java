package dsrlb.cli;

import dsrlb.control.Request;
import dsrlb.control.ResponseReader;
import dsrlb.status.Json.JsonException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What {@code show lb vserver} and {@code stat lb vserver} share: an optional NAME, the daemon, JSON or text. */
final class VserverNameArgument {
    /** Text for the answer; {@code one} when a single vserver was asked for (its details too). */
    interface VserverRenderer {
        String render(ResponseReader answer, boolean one) throws JsonException;
    }

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One vserver (default: all).")
    String name;

    @Mixin
    ShowOptions options;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    int ask(Request.Kind kind, VserverRenderer renderer) {
        return options.execute(spec, new Request(kind, name), answer -> renderer.render(answer, name != null));
    }
}
