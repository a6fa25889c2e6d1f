package dsrlb.cli;

import dsrlb.status.Json;
import dsrlb.tftp.TftpDiagnosis;
import dsrlb.tftp.TftpResult;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** One {@code probe} run as {@code --json} prints it: one object a line, in this order. */
record ProbeRun(
        Instant time,
        String host,
        int port,
        String file,
        int availability,
        BigDecimal responseTimeSeconds,
        long bytes,
        int blksize,
        String sha256,
        String serverTid,
        int retransmissions,
        Diagnosis diagnosis) {

    static ProbeRun of(Instant time, String host, int port, String file, TftpResult r) {
        TftpDiagnosis d = r.diagnosis();
        return new ProbeRun(
                time,
                host,
                port,
                file,
                r.success() ? 100 : 0,
                Json.seconds(r.elapsed(), 3),
                r.bytes(),
                r.blksize(),
                r.sha256(),
                r.serverTid() == null ? null : ProbeCommand.address(r.serverTid()),
                r.retransmissions(),
                d == null
                        ? null
                        : new Diagnosis(
                                d.stage().name(),
                                d.lastBlock(),
                                d.kind().name(),
                                d.errorCode().isPresent() ? d.errorCode().getAsInt() : null,
                                d.errorMessage().orElse(null),
                                d.reason(),
                                d.trace()));
    }

    /** Why a run failed; null for a run that did not. */
    record Diagnosis(
            String stage,
            long lastBlock,
            String kind,
            Integer errorCode,
            String errorMessage,
            String reason,
            List<String> trace) {}
}
