package dsrlb.announce;

import java.io.IOException;

/** An interface whose administrative state says whether this node announces its VIPs. */
public interface LinkSwitch {
    /** The interface's name, as the routing daemon's config names it. */
    String name();

    /** Sets the interface up (announce) or down (withdraw). */
    void setUp(boolean up) throws IOException;
}
