package dsrlb.lab;

/** The storm on the offload engine: the kernel forwards each client once dsrlb has picked its backend. */
class OffloadStormIT extends StormIT {
    @Override
    String engine() {
        return "offload";
    }
}
