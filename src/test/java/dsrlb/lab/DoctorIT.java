package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** `dsrlb doctor` in the lb namespace: a healthy lab, then the mistakes it must name. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DoctorIT {
    @BeforeAll
    void start() {
        Lab.requireNamespaces();
        Lab.down();
        Lab.up("--offload", "on");
    }

    @AfterAll
    void stop() {
        Lab.down();
    }

    private Lab.Result doctor() {
        return Lab.inNamespace(
                Lab.LB_NS,
                30,
                "java",
                "-jar",
                Lab.JAR.toString(),
                "doctor",
                "--config",
                Lab.BASEDIR.resolve("examples/seed.conf").toString());
    }

    @Test
    @Order(1)
    void theLabAsBuiltHasNothingToFix() {
        Lab.Result r = doctor();
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("backend 198.51.100.30") && r.out().contains("02:d5:1b:64:00:30"), r.out());
        assertTrue(r.out().contains("backend 198.51.100.31") && r.out().contains("02:d5:1b:64:00:31"), r.out());
        assertTrue(r.out().contains("nothing to fix"), r.out());
        assertTrue(r.out().matches("(?s).*OK +engine +run would pick offload\n.*"), r.out());
    }

    /** Without CAP_NET_ADMIN doctor says that run would fall back, and why; a warning, not a failure. */
    @Test
    @Order(2)
    void withoutCapNetAdminItSaysWhichEngineRunWouldPickInstead() {
        Lab.Result r = Lab.inNamespace(
                Lab.LB_NS,
                30,
                "setpriv",
                "--bounding-set",
                "-all,+net_raw",
                "--inh-caps",
                "-all,+net_raw",
                "java",
                "-jar",
                Lab.JAR.toString(),
                "doctor",
                "--config",
                Lab.BASEDIR.resolve("examples/seed.conf").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(
                r.out().matches("(?s).*WARN +engine +run would pick native; offload skipped: no CAP_NET_ADMIN.*"),
                r.out());
    }

    @Test
    @Order(3)
    void forwardingOnTheLbIsNamed() {
        Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"), "ip_forward=1");
        try {
            Lab.Result r = doctor();
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.out().matches("(?s).*FAIL ip_forward .*fix: sysctl -w net.ipv4.ip_forward=0.*"), r.out());
        } finally {
            Lab.inNamespace(Lab.LB_NS, 10, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        }
    }

    @Test
    @Order(4)
    void aBackendAnsweringArpForTheVipIsNamedWithItsMac() {
        Lab.check(
                Lab.inNamespace(
                        "dsrlb-tftp2",
                        10,
                        "sysctl",
                        "-q",
                        "-w",
                        "net.ipv4.conf.all.arp_ignore=0",
                        "net.ipv4.conf.eth0.arp_ignore=0"),
                "arp_ignore=0");
        try {
            Lab.Result r = doctor();
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.out().matches("(?s).*FAIL VIP 198\\.51\\.100\\.20 +answered by 02:d5:1b:64:00:31.*"), r.out());
        } finally {
            Lab.inNamespace(
                    "dsrlb-tftp2",
                    10,
                    "sysctl",
                    "-q",
                    "-w",
                    "net.ipv4.conf.all.arp_ignore=1",
                    "net.ipv4.conf.eth0.arp_ignore=1");
        }
    }

    @Test
    @Order(5)
    void theVipOnTheLbsKernelIsNamed() {
        Lab.check(Lab.inNamespace(Lab.LB_NS, 10, "ip", "addr", "add", Lab.VIP + "/32", "dev", "eth0"), "VIP on lb");
        try {
            Lab.Result r = doctor();
            assertEquals(1, r.exit(), r.toString());
            assertTrue(
                    r.out().contains("FAIL VIP                      198.51.100.20 is configured on a kernel interface"),
                    r.out());
        } finally {
            Lab.inNamespace(Lab.LB_NS, 10, "ip", "addr", "del", Lab.VIP + "/32", "dev", "eth0");
        }
    }
}
