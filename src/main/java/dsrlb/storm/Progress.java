package dsrlb.storm;

/**
 * A storm while it runs, as the progress bar shows it.
 *
 * @param clients all clients of the storm
 * @param running clients that have been let go and not finished yet
 * @param completed clients done with an intact file
 * @param failed clients done without one
 * @param bytes content bytes received so far by all clients
 * @param elapsedNanos since the common start (0 before it)
 */
public record Progress(int clients, int running, int completed, int failed, long bytes, long elapsedNanos) {
    public int finished() {
        return completed + failed;
    }
}
