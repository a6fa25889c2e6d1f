package dsrlb.lab;

/** The storm on the libpcap engine: every packet crosses to user space. */
class PcapStormIT extends StormIT {
    @Override
    String engine() {
        return "pcap";
    }
}
