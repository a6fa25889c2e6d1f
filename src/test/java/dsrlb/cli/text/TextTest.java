package dsrlb.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dsrlb.status.FixedStatus;
import dsrlb.status.GlobalReport;
import dsrlb.status.ServiceReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The human renderings: recognizably NetScaler's, and safe to print. */
class TextTest {
    final FixedStatus status = new FixedStatus();

    @Test
    void showLbVserverListsNumberedBlocksLikeNetScaler() {
        String s = VserverText.show(status.vservers(), false);
        assertTrue(s.startsWith("""
                             1)\ttftp (198.51.100.20:*) - ANY\tType: ADDRESS
                             \tState: UP
                             \tNo. of Bound Services :  2 (Total) \t 1 (Active)
                             \tConfigured Method: ROUNDROBIN\tMode: MAC
                             \tPersistence: SOURCEIP\tPersistence Timeout: 100 min\tMax entries: 1000000
                             \tVserver hits: 2575\tNew clients: 5\tPersistence hits: 2570\tRe-picks: 1
                             \tPersisted clients: 4

                             2)\tplain vs (198.51.100.21:69) - UDP\tType: ADDRESS
                             """), s);
        assertTrue(s.contains("\tPersistence: NONE\n"), s);
        assertFalse(s.contains("tftp1 (198.51.100.30"), "bound services only for one vserver: " + s);
        assertTrue(s.endsWith("\n Done\n"), s);
    }

    @Test
    void showLbVserverByNameAddsItsBoundServices() {
        String s = VserverText.show(status.vservers().subList(0, 1), true);
        assertTrue(s.startsWith("\ttftp (198.51.100.20:*) - ANY\tType: ADDRESS\n"), s);
        assertTrue(s.endsWith("""

                           1) tftp1 (198.51.100.30: *) - ANY State: UP\tWeight: 1
                           2) tftp2 (198.51.100.31: *) - ANY State: DOWN\tWeight: 3
                            Done
                           """), s);
    }

    @Test
    void showServiceIsATableWithNumbersRightAligned() {
        List<String> lines = ServiceText.show(status.services(), false).lines().toList();
        assertEquals(
                "Name   Address        Port  Protocol  State           MAC                Persisted  Transfers"
                        + "  Packets   Bytes  Reason",
                lines.get(0));
        assertEquals(
                "tftp1  198.51.100.30  *     ANY       UP              02:d5:1b:64:00:30          6          2"
                        + "     1234  567890  monitor tftp-pxe: ARDBP32.BIN 262144 bytes: real address 1.056 s, via VIP 0.037 s",
                lines.get(1));
        assertEquals(
                "plain  198.51.100.40  69    UDP       OUT OF SERVICE  -                          0          0"
                        + "        0       0  disabled",
                lines.get(3));
        assertEquals(" Done", lines.get(4));
    }

    @Test
    void showServiceByNameHasMonitorsWithLastResponse() {
        String s = ServiceText.show(status.services().subList(1, 2), true);
        assertTrue(s.startsWith("\ttftp2 (198.51.100.31:*) - ANY\n\tState: DOWN\n"), s);
        assertTrue(s.contains("""
                           \tServer Name: 198.51.100.31\tMAC: 02:d5:1b:64:00:31
                           \tBound to vserver: tftp\tWeight: 3
                           \tPersisted clients: 0
                           \tActive transfers: 0
                           \tForwarded: 0 packets, 0 bytes
                           """), s);
        assertTrue(s.contains("""
                           1)\tMonitor Name: tftp-pxe
                           \t\tState: DOWN\tReason: ICMP port unreachable
                           \t\tLast response: Failure - ICMP port unreachable
                           \t\tResponse Time: 1.500 millisec
                           """), s);
        assertTrue(s.contains("""
                           2)\tMonitor Name: other
                           \t\tState: DOWN\tReason: not probed yet
                           \t\tLast response: none yet
                           """), s);
        assertTrue(ServiceText.show(status.services().subList(2, 3), true)
                .contains("\tMonitors: none (UP while the backend answers ARP)\n"));
    }

    @Test
    void controlCharactersFromBackendsNeverReachTheTerminal() {
        ServiceReport s = status.services().get(1);
        String table = ServiceText.show(List.of(s), false);
        assertTrue(table.contains("\"quoted\" tab"), table);
        ServiceReport evil = new ServiceReport(
                "x",
                "x",
                "198.51.100.9",
                "ANY",
                -1,
                "DOWN",
                "TFTP error 1: \u001b[2J",
                null,
                0,
                0,
                0,
                0,
                List.of(),
                List.of(new ServiceReport.Monitor(
                        "m", "DOWN", "\u001b]0;pwned\u0007", new ServiceReport.Probe(false, "a\rb\u009bc", null))));
        for (String out : List.of(ServiceText.show(List.of(evil), false), ServiceText.show(List.of(evil), true))) {
            assertTrue(out.chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == '\r' || c == 0x9b), out);
        }
        assertTrue(ServiceText.show(List.of(evil), true).contains("\t\tResponse Time: -\n"));
    }

    @Test
    void statShowsGlobalCountersDropsTheConflictAndTheVservers() {
        String s = StatText.stat(status.global(), status.vservers(), false);
        List<String> lines = s.lines().toList();
        assertEquals("Forwarding Statistics   Total", lines.get(0));
        assertEquals("Packets received       123456", lines.get(1));
        assertEquals("VIP ARP conflicts           3", lines.get(5));
        assertEquals("State rebuilds              0", lines.get(6));
        assertEquals(
                "Last VIP ARP conflict: 198.51.100.20 claimed by MAC 02:d5:1b:64:00:30 at "
                        + "2025-01-02T03:04:03.678Z (check arp_ignore/arp_announce on that host)",
                lines.get(7));
        assertTrue(s.contains("not_vip (IPv4 or IPv6 destination is not a VIP)      4\n"), s);
        assertFalse(s.contains("truncated"), "zero drops are left out: " + s);
        assertTrue(s.contains("\nall                                                  6\n"), s);
        assertTrue(
                s.contains("Virtual Server(s) Summary\n"
                        + "Name      VIP            Port  Protocol  State  Hits  New clients  Persistence hits  Re-picks"
                        + "  Persisted  Active services\n"
                        + "tftp      198.51.100.20  *     ANY       UP     2575            5              2570         1"
                        + "          4              1/2\n"),
                s);
        assertFalse(s.contains("Virtual Server Statistics"), s);
    }

    @Test
    void statOfOneVserverAddsItsStatisticsAndServices() {
        String s = StatText.stat(status.global(), status.vservers().subList(0, 1), true);
        assertTrue(s.contains("Virtual Server Summary\n"), s);
        assertTrue(s.contains("""
                           Virtual Server Statistics  Total
                           Vserver hits                2575
                           New clients                    5
                           Persistence hits            2570
                           Re-picks                       1
                           Persisted clients              4
                           """), s);
        assertTrue(s.endsWith("2) tftp2 (198.51.100.31: *) - ANY State: DOWN\tWeight: 3\n Done\n"), s);
    }

    @Test
    void statWithoutConflictsOrDropsSaysSo() {
        GlobalReport g = status.global();
        GlobalReport quiet = new GlobalReport(g.time(), 1, 1, 0, 0, 0, null, Map.of("not_vip", 0L));
        String s = StatText.stat(quiet, List.of(), false);
        assertFalse(s.contains("Last VIP ARP conflict"), s);
        assertTrue(s.contains("Drops  Total\nall        0\n"), s);
    }

    @Test
    void persistenceIsATableSortedAsTheDaemonSentIt() {
        assertEquals("""
                Client       Vserver  Service
                192.0.2.9    tftp     tftp2
                192.0.2.10   tftp     tftp1
                192.0.2.100  tftp     tftp1
                Total: 3 persisted clients
                 Done
                """, PersistenceText.show(status.persistence(null, 10)));
        assertEquals(
                "Client      Vserver  Service\n192.0.2.10  tftp     tftp1\nTotal: 1 persisted client\n Done\n",
                PersistenceText.show(status.persistence("192.0.2.10", 10)));
        assertEquals(
                "No persistence entry for client 192.0.2.1\n Done\n",
                PersistenceText.show(status.persistence("192.0.2.1", 10)));
        assertTrue(PersistenceText.show(status.persistence(null, 2))
                .contains("Total: 3 persisted clients (showing the first 2)\n"));
    }
}
