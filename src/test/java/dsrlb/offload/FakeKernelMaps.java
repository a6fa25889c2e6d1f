package dsrlb.offload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for libnftables with the kernel's rules for map elements that matter here: a batch
 * is all or nothing, adding an existing key with another value fails (EBUSY), deleting a
 * missing key fails (ENOENT), and `list map` answers in nft's JSON.
 */
final class FakeKernelMaps implements Nftables {
    private static final Pattern ADD = Pattern.compile("add element netdev (\\S+) (\\S+) \\{ (\\S+) : (\\S+) }");
    private static final Pattern DELETE = Pattern.compile("delete element netdev (\\S+) (\\S+) \\{ (\\S+) }");
    private static final Pattern LIST_MAP = Pattern.compile("list map netdev (\\S+) (\\S+)");
    private static final Pattern LIST_COUNTER = Pattern.compile("list counter netdev (\\S+) (\\S+)");

    /** map name → client → MAC. */
    final Map<String, Map<String, String>> maps = new LinkedHashMap<>();
    /** map name → client → seconds left. */
    final Map<String, Map<String, Long>> expires = new LinkedHashMap<>();

    final List<String> batches = new ArrayList<>();
    long counterPackets = 1234;
    int refuseNext;
    /** Whether the table exists: false after {@link #flushRuleset}, true again when a batch creates it. */
    boolean tablePresent = true;
    /** Batches that (re)created the table. */
    int creates;
    /** How many elements a map holds before adding one more fails with ENFILE, as the kernel does (the map's `size`). */
    int capacity = Integer.MAX_VALUE;
    /** A batch that would (re)create the table fails this many times. */
    int refuseCreates;

    /** What `nft flush ruleset` does to us: table, maps and all gone. */
    void flushRuleset() {
        tablePresent = false;
        maps.clear();
    }

    @Override
    public String run(String commands) throws NftablesException {
        if (commands.equals(OffloadRuleset.listTables())) {
            // Asked several times a second by the writer; not a write, so not in `batches`.
            return "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}"
                    + (tablePresent
                            ? ", {\"table\": {\"family\": \"netdev\", \"name\": \"dsrlb_2\", \"handle\": 1}}"
                            : "")
                    + "]}";
        }
        batches.add(commands);
        boolean creating = commands.contains("delete table netdev ");
        if (creating && refuseCreates > 0) {
            refuseCreates--;
            throw new NftablesException("Error: Could not process rule: Operation not permitted");
        }
        if (!creating && !tablePresent && !commands.isBlank()) {
            throw new NftablesException("Error: Could not process rule: No such file or directory");
        }
        if (refuseNext > 0) {
            refuseNext--;
            throw new NftablesException("Error: Could not process rule: Device or resource busy");
        }
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        if (!creating) {
            maps.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
        }
        StringBuilder out = new StringBuilder();
        for (String line : commands.split("\n", -1)) {
            if (creating && !line.startsWith("add element")) {
                continue;
            }
            Matcher m = ADD.matcher(line);
            Matcher delete = DELETE.matcher(line);
            Matcher list = LIST_MAP.matcher(line);
            Matcher counter = LIST_COUNTER.matcher(line);
            if (m.matches()) {
                Map<String, String> map = copy.computeIfAbsent(m.group(2), k -> new LinkedHashMap<>());
                String had = map.get(m.group(3));
                if (had != null && !had.equals(m.group(4))) {
                    throw new NftablesException("Error: Could not process rule: File exists\n" + line);
                }
                if (had == null && map.size() >= capacity) {
                    throw new NftablesException(
                            "Error: Could not process rule: Too many open files in system\n" + line);
                }
                map.put(m.group(3), m.group(4));
            } else if (delete.matches()) {
                Map<String, String> map = copy.get(delete.group(2));
                if (map == null || map.remove(delete.group(3)) == null) {
                    throw new NftablesException("Error: Could not process rule: No such file or directory\n" + line);
                }
            } else if (list.matches()) {
                out.append(listMap(list.group(2), copy.getOrDefault(list.group(2), Map.of())));
            } else if (counter.matches()) {
                out.append("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}, {\"counter\": {\"family\": "
                        + "\"netdev\", \"name\": \"" + counter.group(2) + "\", \"table\": \"t\", \"handle\": 2, "
                        + "\"packets\": " + counterPackets + ", \"bytes\": " + counterPackets * 100 + "}}]}");
            } else if (!line.isBlank()) {
                throw new NftablesException("Error: syntax error in fake: " + line);
            }
        }
        maps.clear();
        maps.putAll(copy);
        if (creating) {
            tablePresent = true;
            creates++;
        }
        return out.toString();
    }

    private String listMap(String name, Map<String, String> elems) {
        StringBuilder sb = new StringBuilder("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}, {\"map\": "
                + "{\"family\": \"netdev\", \"name\": \"" + name + "\", \"table\": \"t\", \"type\": \"ipv4_addr\", "
                + "\"handle\": 3, \"map\": \"ether_addr\", \"flags\": [\"timeout\"], \"timeout\": 6000");
        if (!elems.isEmpty()) {
            sb.append(", \"elem\": [");
            String sep = "";
            for (Map.Entry<String, String> e : elems.entrySet()) {
                long left = expires.getOrDefault(name, Map.of()).getOrDefault(e.getKey(), 6000L);
                sb.append(sep)
                        .append("[{\"elem\": {\"val\": \"")
                        .append(e.getKey())
                        .append("\", \"timeout\": 6000, ")
                        .append("\"expires\": ")
                        .append(left)
                        .append("}}, \"")
                        .append(e.getValue())
                        .append("\"]");
                sep = ", ";
            }
            sb.append(']');
        }
        return sb.append("}}]}").toString();
    }

    @Override
    public void close() {}
}
