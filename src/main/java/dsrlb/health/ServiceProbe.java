package dsrlb.health;

import dsrlb.balance.ServiceView;

/** Checks one service once; must return within the monitor's time budget and never throw. */
@FunctionalInterface
public interface ServiceProbe {
    ProbeResult probe(ServiceView service);
}
