package org.cardiacatlas.cap.query;

import java.util.List;

/**
 * How a query is asked beyond its identifier: by whom (the cohorts, as Patient ID prefixes, a
 * principal is limited to; empty: all), relationally (PS3.4 C.4.1.2.2: no unique keys needed
 * above the level, as QIDO-RS {@code /series} and {@code /instances} ask), and whether every
 * stored attribute of the levels is returned (QIDO-RS {@code includefield=all}).
 */
public record FindOptions(List<String> cohorts, boolean relational, boolean returnAllStored) {

    /** A C-FIND: hierarchical, the keys asked, no cohort limit (DICOM peers are trusted by AE). */
    public static final FindOptions DIMSE = new FindOptions(List.of(), false, false);

    public FindOptions {
        cohorts = List.copyOf(cohorts);
    }
}
