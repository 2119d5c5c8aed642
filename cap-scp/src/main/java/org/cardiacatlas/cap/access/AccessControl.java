package org.cardiacatlas.cap.access;

import java.util.List;

/**
 * The one rule of what a principal may see and do, used by DICOMweb, the web app and
 * downloads alike. Cohort limits reach the database as a condition of the query unit's SQL
 * ({@link #cohortPrefixes}), so that listing and matching share one implementation; single
 * objects fetched by UID are checked with {@link #maySeePatient}.
 */
public final class AccessControl {

    /** Any account may read within its cohorts. */
    public boolean mayRead(Principal p) {
        return p != null;
    }

    /** Storing (STOW-RS, import) is for curators and admins. */
    public boolean mayStore(Principal p) {
        return p != null && (p.role() == Role.ADMIN || p.role() == Role.CURATOR);
    }

    /** Deleting and editing research data: curators and admins (issue 14). */
    public boolean mayCurate(Principal p) {
        return mayStore(p);
    }

    /** Accounts, AE registry, configuration. */
    public boolean mayAdminister(Principal p) {
        return p != null && p.role() == Role.ADMIN;
    }

    /** Patient ID prefixes the principal is limited to; empty: every patient. */
    public List<String> cohortPrefixes(Principal p) {
        return p.cohorts();
    }

    /** Whether a patient (by Patient ID, the CAP ID) lies within the principal's cohorts. */
    public boolean maySeePatient(Principal p, String patientId) {
        if (p == null) {
            return false;
        }
        if (p.allCohorts()) {
            return true;
        }
        String id = patientId == null ? "" : patientId;
        for (String c : p.cohorts()) {
            if (id.startsWith(c)) {
                return true;
            }
        }
        return false;
    }
}
