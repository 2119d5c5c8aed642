package org.cardiacatlas.cap.archive;

interface InstanceMapper {
    /**
     * The common case of a store in one round trip: the instance row, its files row, and the
     * counts of its series and study (the study row is locked by the caller).
     */
    int insertWithFile(NewInstance n);

    int updateAttributes(InstanceRow row);
}
