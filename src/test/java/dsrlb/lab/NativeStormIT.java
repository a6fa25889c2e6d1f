package dsrlb.lab;

/** The storm on the native engine: every ACK crosses dsrlb's AF_PACKET ring and batched send. */
class NativeStormIT extends StormIT {
    @Override
    String engine() {
        return "native";
    }
}
