package org.cardiacatlas.cap.query;

/**
 * How strictly the unique keys above the query level are required (PS3.4 C.4.1.2).
 */
public enum QueryMode {
    /**
     * Hierarchical search read strictly (PS3.4 C.4.1.2.1): above the query level each unique key
     * is one value; anything else is refused with A900 ({@code --strict-queries}).
     */
    STRICT,
    /**
     * Hierarchical search read as dcm4chee and Orthanc read it (the default): a unique key above
     * the level that is missing, empty or {@code *} is universal, a list of UIDs matches any of
     * them. What Orthanc sends for "every MR series" is served, bounded by --max-matches.
     */
    LENIENT,
    /**
     * Relational search (PS3.4 C.4.1.2.2), negotiated by the SCU with SOP Class Extended
     * Negotiation: keys at or above the level, unique ones included, with any matching type.
     */
    RELATIONAL;

    /** Whether a missing unique key above the level is universal rather than refused. */
    public boolean universalAbove() {
        return this != STRICT;
    }
}
