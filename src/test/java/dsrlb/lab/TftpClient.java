package dsrlb.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real TFTP clients in the client namespace. curl binds the source address itself; tftp-hpa
 * and atftp cannot, so for them the client's default route gets a {@code src} hint first.
 */
public enum TftpClient {
    TFTP_HPA("tftp-hpa"),
    ATFTP("atftp"),
    ATFTP_BLKSIZE_1428("atftp blksize 1428"),
    CURL("curl");

    private final String label;

    TftpClient(String label) {
        this.label = label;
    }

    /**
     * Downloads {@code file} from {@code server} into {@code out}, from source address {@code src}.
     * An IPv6 server (lab/up --ipv6) takes an IPv6 source: curl's URL gets brackets, tftp-hpa
     * runs with -6 and the src hint goes on the client's IPv6 default route.
     */
    public Lab.Result download(String server, String file, Path out, String src, int timeoutSeconds) {
        boolean ipv6 = server.contains(":");
        if (ipv6 && this != CURL) {
            Lab.check(
                    Lab.runQuietly(
                            10,
                            "ip",
                            "-n",
                            Lab.CLIENT_NS,
                            "-6",
                            "route",
                            "replace",
                            "default",
                            "via",
                            Lab.ROUTER6_CLIENT_IP,
                            "dev",
                            "eth0",
                            "src",
                            src),
                    "set client IPv6 source address " + src);
        } else if (this != CURL) {
            Lab.check(
                    Lab.runQuietly(
                            10,
                            "ip",
                            "-n",
                            Lab.CLIENT_NS,
                            "route",
                            "replace",
                            "default",
                            "via",
                            "192.0.2.1",
                            "src",
                            src),
                    "set client source address " + src);
        }
        List<String> cmd = new ArrayList<>();
        switch (this) {
            case TFTP_HPA -> {
                cmd.add("tftp");
                if (ipv6) {
                    cmd.add("-6");
                }
                cmd.addAll(List.of("-m", "binary", server, "-c", "get", file, out.toString()));
            }
            case ATFTP -> cmd.addAll(List.of("atftp", "--get", "-r", file, "-l", out.toString(), server));
            case ATFTP_BLKSIZE_1428 ->
                cmd.addAll(List.of(
                        "atftp", "--option", "blksize 1428", "--get", "-r", file, "-l", out.toString(), server));
            case CURL -> {
                cmd.addAll(List.of(
                        "curl",
                        "-sS",
                        "--fail",
                        "--max-time",
                        String.valueOf(timeoutSeconds),
                        "--interface",
                        src,
                        "-o",
                        out.toString()));
                if (file.equals("empty.bin")) {
                    // curl 7.88 fails (exit 71) on a 0-byte file after an OACK; plain RFC 1350 works.
                    cmd.add("--tftp-no-options");
                }
                // -g: the brackets of an IPv6 literal are not a curl glob.
                cmd.add("-g");
                cmd.add("tftp://" + (ipv6 ? "[" + server + "]" : server) + "/" + file);
            }
        }
        return Lab.inNamespace(Lab.CLIENT_NS, timeoutSeconds, cmd.toArray(String[]::new));
    }

    @Override
    public String toString() {
        return label;
    }
}
