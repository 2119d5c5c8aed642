package org.cardiacatlas.cap.access;

import java.util.List;

/**
 * Who is asking, once authenticated: the account name, its role and the cohorts (CAP ID
 * prefixes) it is limited to; an empty list means every cohort.
 */
public record Principal(String name, Role role, List<String> cohorts) {

    /** The reader of {@code --http-anonymous-read true}: read-only, every cohort. */
    public static final Principal ANONYMOUS = new Principal("anonymous", Role.RESEARCHER, List.of());

    public Principal {
        cohorts = List.copyOf(cohorts);
    }

    public boolean allCohorts() {
        return cohorts.isEmpty();
    }
}
