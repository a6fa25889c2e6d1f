package dsrlb.control;

import java.time.Duration;

/** The run-time steering of services: what {@code enable service} and {@code disable service} change. */
public interface ServiceControl {
    /**
     * Puts the service back in service.
     *
     * @return false when there is no such service
     */
    boolean enable(String service);

    /**
     * Takes the service out of service.
     *
     * @param graceful no new clients, existing ones finish, then OUT OF SERVICE; else at once
     * @param delay with graceful, the longest wait (zero: none)
     * @return false when there is no such service
     */
    boolean disable(String service, boolean graceful, Duration delay);

    /** The service's state label now (UP, GOING OUT OF SERVICE, ...). */
    String state(String service);
}
