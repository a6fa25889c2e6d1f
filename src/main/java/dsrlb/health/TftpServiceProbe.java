package dsrlb.health;

import dsrlb.balance.LoadBalancer;
import dsrlb.balance.ServiceView;
import dsrlb.config.DsrConfig;
import dsrlb.config.MonitorConfig;
import dsrlb.config.ServiceConfig;
import dsrlb.config.VlanConfig;
import dsrlb.config.VserverConfig;
import dsrlb.dataplane.PacketIo;
import dsrlb.net.IpAddress;
import dsrlb.tftp.FailureKind;
import dsrlb.tftp.TftpClient;
import dsrlb.tftp.TftpRequest;
import dsrlb.tftp.TftpResult;
import dsrlb.tftp.TftpTransfer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The TFTP monitor: downloads the monitor's file twice per probe, first from the backend's own
 * address (is the server there, does it serve the right file?), then from the VIP in frames
 * addressed to the backend's MAC, as a client's packets reach it through dsrlb (does the backend
 * hold the VIP and answer from it?). Either failing makes the probe fail, with a reason that
 * says which.
 *
 * <p>Timing: {@code -resptimeout} bounds the wait for the first answer (two tries of half of
 * it), so a dead server fails a probe in about {@code -resptimeout}, and the whole probe is
 * bounded by {@code -interval} so probes never pile up.
 */
public final class TftpServiceProbe implements ServiceProbe {
    private final MonitorConfig monitor;
    /** The interface a service lives on, by its address: the DSR path's frames leave there. */
    private final Function<IpAddress, PacketIo> ioFor;

    private final InetAddress lbAddress;
    private final InetAddress lbAddress6;
    private final Map<String, List<InetAddress>> vipsByService;
    private final Map<String, ServiceConfig> services;
    private final DsrConfig dsrConfig;

    /**
     * @param lbAddress the LB's own address on the interface, the probes' source; a service on a
     *     VLAN is probed from that VLAN's {@code -IPAddress} instead (the kernel's, on the VLAN
     *     subinterface), with its DSR-path frames tagged
     */
    public TftpServiceProbe(MonitorConfig monitor, DsrConfig config, PacketIo io, int lbAddress) {
        this(monitor, config, io, lbAddress, null);
    }

    /** @param lbAddress6 the LB's own IPv6 address, the source of IPv6 services' probes; null: none */
    public TftpServiceProbe(MonitorConfig monitor, DsrConfig config, PacketIo io, int lbAddress, IpAddress lbAddress6) {
        this(monitor, config, a -> io, lbAddress, lbAddress6);
    }

    /**
     * For a dsrlb on several interfaces.
     *
     * @param ioFor the interface of a service's address (config.InterfacePlan): where its DSR-path
     *     frames are sent
     */
    public TftpServiceProbe(
            MonitorConfig monitor,
            DsrConfig config,
            Function<IpAddress, PacketIo> ioFor,
            int lbAddress,
            IpAddress lbAddress6) {
        this.monitor = monitor;
        this.ioFor = ioFor;
        this.dsrConfig = config;
        this.lbAddress = lbAddress == 0 ? null : inet(lbAddress);
        this.lbAddress6 = lbAddress6 == null ? null : lbAddress6.toInetAddress();
        this.services = config.services();
        Map<String, List<InetAddress>> vips = new HashMap<>();
        for (VserverConfig v : config.vservers().values()) {
            v.bindings()
                    .forEach(b -> vips.computeIfAbsent(b.service(), k -> new ArrayList<>())
                            .add(v.vip().toInetAddress()));
        }
        this.vipsByService = vips;
    }

    @Override
    public ProbeResult probe(ServiceView service) {
        if (service.mac() == null) {
            return ProbeResult.failure(
                    LoadBalancer.noReply(service.address()) + " from " + service.address(), Duration.ZERO);
        }
        ServiceConfig config = services.get(service.name());
        int port = monitor.destPort() > 0
                ? monitor.destPort()
                : config.port() > 0 ? config.port() : MonitorConfig.DEFAULT_PORT;
        VlanConfig vlan = dsrConfig.vlanOf(service.address());
        InetAddress from = vlan == null
                ? (service.address().isIpv4() ? lbAddress : lbAddress6)
                : vlan.subnetOf(service.address()).address().toInetAddress();
        int tag = vlan == null ? 0 : vlan.tag();
        TftpRequest real = request(service.address().toInetAddress(), port, from);
        TftpResult direct = TftpClient.download(real);
        if (!direct.success()) {
            return ProbeResult.failure(
                    "real address " + service.address() + ":" + port + ": "
                            + direct.diagnosis().reason(),
                    direct.elapsed());
        }
        StringBuilder summary = new StringBuilder(monitor.file())
                .append(' ')
                .append(direct.bytes())
                .append(" bytes: real address ")
                .append(seconds(direct.elapsed()));
        if (from == null) {
            return ProbeResult.success(
                    summary.append(", DSR path not checked (the LB has no "
                                    + (service.address().isIpv4() ? "IPv4" : "IPv6") + " address)")
                            .toString(),
                    direct.elapsed());
        }
        for (InetAddress vip : vipsByService.getOrDefault(service.name(), List.of())) {
            String where = "DSR path via VIP " + vip.getHostAddress() + ": ";
            TftpResult viaVip;
            try {
                viaVip = viaDsrPath(request(vip, port, from), service, tag);
            } catch (IOException e) {
                return ProbeResult.failure(
                        where + "cannot bind a UDP socket to " + from.getHostAddress() + ": " + e.getMessage(),
                        direct.elapsed());
            }
            if (!viaVip.success() && viaVip.diagnosis().kind() == FailureKind.WRONG_SOURCE) {
                return ProbeResult.failure(
                        where + "answered from "
                                + viaVip.serverTid().getAddress().getHostAddress()
                                + " instead of the VIP (PXE clients drop that); real address OK",
                        direct.elapsed());
            }
            if (!viaVip.success()) {
                return ProbeResult.failure(
                        where + viaVip.diagnosis().reason()
                                + " (is the VIP on the backend's loopback?); real address OK",
                        direct.elapsed());
            }
            summary.append(", via VIP ").append(seconds(viaVip.elapsed()));
        }
        return ProbeResult.success(summary.toString(), direct.elapsed());
    }

    private TftpResult viaDsrPath(TftpRequest request, ServiceView service, int tag) throws IOException {
        DsrPathSender raw = new DsrPathSender(ioFor.apply(service.address()), service.mac(), tag);
        try (TftpTransfer transfer = TftpClient.open(request)) {
            InetSocketAddress from = transfer.localAddress();
            return transfer.run((data, length, to) -> raw.send(data, length, from, to));
        }
    }

    private TftpRequest request(InetAddress server, int port, InetAddress from) {
        Duration perPacket = monitor.responseTimeout().dividedBy(2);
        return new TftpRequest(
                server,
                port,
                monitor.file(),
                monitor.blksize(),
                perPacket,
                1,
                monitor.interval(),
                monitor.expectSize() >= 0 ? OptionalLong.of(monitor.expectSize()) : OptionalLong.empty(),
                monitor.expectSha256(),
                from);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
    }

    private static InetAddress inet(int address) {
        try {
            return InetAddress.getByAddress(
                    new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
                    });
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
