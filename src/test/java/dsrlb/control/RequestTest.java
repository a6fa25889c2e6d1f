package dsrlb.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.control.Request.BadRequestException;
import dsrlb.control.Request.Kind;
import org.junit.jupiter.api.Test;

class RequestTest {
    @Test
    void parsesTheFourRequestsWithAndWithoutArgument() throws BadRequestException {
        assertEquals(new Request(Kind.SHOW_SERVICE, null), Request.parse("show service"));
        assertEquals(new Request(Kind.SHOW_SERVICE, "tftp1"), Request.parse("show service tftp1"));
        assertEquals(new Request(Kind.SHOW_LB_VSERVER, "tftp"), Request.parse("  SHOW  Lb\tVSERVER tftp "));
        assertEquals(new Request(Kind.STAT_LB_VSERVER, null), Request.parse("stat lb vserver"));
        assertEquals(new Request(Kind.SHOW_PERSISTENCE, "192.0.2.10"), Request.parse("show persistence 192.0.2.10"));
        assertEquals(new Request(Kind.SHOW_PERSISTENCE, null), Request.parse("show persistence"));
    }

    @Test
    void namesAreCaseSensitiveAndMayBeQuotedLikeInTheConfig() throws BadRequestException {
        assertEquals("TFTP", Request.parse("show service TFTP").argument());
        assertEquals(
                "my \"svc\" \\ 1",
                Request.parse("show service \"my \\\"svc\\\" \\\\ 1\"").argument());
        Request r = new Request(Kind.SHOW_LB_VSERVER, "pxe farm \"a\"");
        assertEquals("show lb vserver \"pxe farm \\\"a\\\"\"", r.toLine());
        assertEquals(r, Request.parse(r.toLine()));
        assertEquals("show lb vserver tftp", new Request(Kind.SHOW_LB_VSERVER, "tftp").toLine());
    }

    @Test
    void aClientAddressIsValidatedAndCanonical() throws BadRequestException {
        assertThrows(IllegalArgumentException.class, () -> new Request(Kind.SHOW_PERSISTENCE, "192.0.2"));
        assertMessage("show persistence 300.1.1.1", "not an IPv4 address: '300.1.1.1'");
        assertEquals(
                "show persistence 192.0.2.1",
                Request.parse("show persistence 192.0.2.1").toLine());
    }

    @Test
    void malformedRequestsAreRefusedWithAReason() {
        assertMessage("", "empty request");
        assertMessage("   ", "empty request");
        assertMessage("show", "unknown request 'show'; expected one of:");
        assertMessage("show lb", "unknown request 'show lb'");
        assertMessage("rm -rf /", "unknown request 'rm -rf /'");
        assertMessage("show service a b", "'show service' takes at most one argument, not 2");
        assertMessage("show service \"a", "unterminated quoted string");
        assertMessage("show service \"a\"b", "a space must follow the closing quote");
        assertMessage("show service \"\"", "empty name");
        assertMessage("show service a\u0001", "control character");
        assertMessage("show service \"a\u0000\"", "control character");
    }

    private static void assertMessage(String line, String expected) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> Request.parse(line), line);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
