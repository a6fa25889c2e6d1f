package dsrlb.announce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The BIRD configs lab/up --bgp runs (BgpIT) are the ones docs/operations.md shows, byte for
 * byte, and they name the interface and the VIP the docs tell dsrlb to use.
 */
class BirdConfigsDocumentedTest {
    static final Path DOC = Path.of("docs/operations.md");

    @Test
    void operationsShowsTheLabsBirdConfigsVerbatim() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (String name : new String[] {"dsrlb-node.conf", "router.conf"}) {
            String conf = Files.readString(Path.of("examples/bird", name), StandardCharsets.UTF_8);
            assertTrue(
                    doc.contains("```\n" + conf + "```\n"),
                    "docs/operations.md shows examples/bird/" + name + " as it is");
        }
        String node = Files.readString(Path.of("examples/bird/dsrlb-node.conf"), StandardCharsets.UTF_8);
        assertTrue(node.contains("via \"dsrlb-up\""), "the node's route follows dsrlb-up");
        assertTrue(doc.contains("--announce-interface dsrlb-up"), "the docs start dsrlb with that interface");
        assertTrue(!node.contains("protocol kernel"), "nothing of BIRD's reaches the node's kernel");
    }
}
