package org.cardiacatlas.cap.query;

/** Query/Retrieve Level (0008,0052), from the top of the hierarchy down (PS3.4 C.3). */
enum QueryRetrieveLevel {
    PATIENT, STUDY, SERIES, IMAGE;

    boolean isBelow(QueryRetrieveLevel other) {
        return ordinal() > other.ordinal();
    }
}
