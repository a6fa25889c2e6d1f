package dsrlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.ControlServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What an admin copies from the README, the examples and the package must name the paths
 * dsrlb and the package really use: a keepalived track script pointed at a socket dsrlb never
 * makes fails forever, both nodes sit in FAULT and nobody answers ARP for the VIP.
 */
class DocumentedPathsTest {
    static final Pattern SOCKET = Pattern.compile("/run/dsrlb/[A-Za-z0-9_.-]+\\.sock");
    static final Pattern PACKAGED_SCRIPT = Pattern.compile("/usr/share/dsrlb/keepalived/([A-Za-z0-9_.-]+)");

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(
                Path.of("README.md"),
                Path.of("docs/operations.md"),
                Path.of("docs/configuration.md"),
                Path.of("CONTRIBUTING.md"),
                Path.of("packaging/dsrlb.service"),
                Path.of("packaging/default/dsrlb")));
        try (Stream<Path> examples = Files.walk(Path.of("examples"))) {
            examples.filter(Files::isRegularFile).forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyDocumentedControlSocketIsTheDefault() throws IOException {
        int seen = 0;
        for (Path doc : documents()) {
            Matcher m = SOCKET.matcher(Files.readString(doc));
            while (m.find()) {
                assertEquals(
                        ControlServer.DEFAULT_PATH, m.group(), doc + " names a control socket dsrlb does not make");
                seen++;
            }
        }
        assertTrue(seen >= 2, "the docs and the keepalived track script both name the socket");
    }

    @Test
    void everyPackagedKeepalivedScriptNamedInTheDocsIsShipped() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(
                pom.contains("<src>${project.basedir}/examples/keepalived</src>")
                        && pom.contains("<prefix>/usr/share/dsrlb/keepalived</prefix>"),
                "the package maps examples/keepalived to /usr/share/dsrlb/keepalived");
        int seen = 0;
        for (Path doc : documents()) {
            Matcher m = PACKAGED_SCRIPT.matcher(Files.readString(doc));
            while (m.find()) {
                Path script = Path.of("examples/keepalived", m.group(1));
                assertTrue(
                        Files.isExecutable(script), doc + " names " + m.group() + ", which the package does not ship");
                seen++;
            }
        }
        assertTrue(seen >= 5, "the documented keepalived config runs the packaged scripts");
        assertFalse(Files.readString(Path.of("docs/operations.md")).contains("/usr/local/sbin/dsrlb-"));
    }
}
