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

    /** Downloads {@code file} from {@code server} into {@code out}, from source address {@code src}. */
    public Lab.Result download(String server, String file, Path out, String src, int timeoutSeconds) {
        if (this != CURL) {
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
            case TFTP_HPA -> cmd.addAll(List.of("tftp", "-m", "binary", server, "-c", "get", file, out.toString()));
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
                cmd.add("tftp://" + server + "/" + file);
            }
        }
        return Lab.inNamespace(Lab.CLIENT_NS, timeoutSeconds, cmd.toArray(String[]::new));
    }

    @Override
    public String toString() {
        return label;
    }
}
