package dsrlb.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelPathTest {
    @Test
    void twoInterfacesKernelSidesAddUpFieldByField() {
        GlobalReport.KernelPath eth0 = new GlobalReport.KernelPath(100, 6400, 3, 4, 1, 0, 1, 0);
        GlobalReport.KernelPath eth1 = new GlobalReport.KernelPath(20, 1280, 2, 2, 0, 1, 0, 5);
        assertEquals(new GlobalReport.KernelPath(120, 7680, 5, 6, 1, 1, 1, 5), eth0.plus(eth1));
    }
}
