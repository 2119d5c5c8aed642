package org.cardiacatlas.cap.query;

import java.util.List;

/**
 * How a query is asked beyond its identifier: by whom (the cohorts, as Patient ID prefixes, a
 * principal is limited to; empty: all), relationally (PS3.4 C.4.1.2.2: no unique keys needed
 * above the level, as QIDO-RS {@code /series} and {@code /instances} ask), whether every
 * stored attribute of the levels is returned (QIDO-RS {@code includefield=all}), and whether
 * person names match fuzzily (QIDO-RS {@code fuzzymatching=true}, PS3.18 8.3.4.1; the rule is
 * {@link Matching#fuzzyName}).
 */
public record FindOptions(List<String> cohorts, boolean relational, boolean returnAllStored, boolean fuzzyNames) {

    /** A C-FIND: hierarchical, the keys asked, no cohort limit (DICOM peers are trusted by AE). */
    public static final FindOptions DIMSE = new FindOptions(List.of(), false, false, false);

    public FindOptions {
        cohorts = List.copyOf(cohorts);
    }

    public FindOptions(List<String> cohorts, boolean relational, boolean returnAllStored) {
        this(cohorts, relational, returnAllStored, false);
    }
}
