package org.cardiacatlas.cap.store;

import java.time.LocalDateTime;

/** A row of {@code series}. */
final class SeriesRow {
    Long pk;
    Long studyFk;
    String seriesIuid;
    String seriesNo;
    String modality;
    String bodyPart;
    String laterality;
    String seriesDesc;
    String institution;
    String department;
    String stationName;
    String srcAet;
    String perfPhysician;
    String perfPhysIName;
    String perfPhysPName;
    String perfPhysFnSx;
    String perfPhysGnSx;
    LocalDateTime ppsStart;
    String ppsIuid;
    int numInstances;
    String retrieveAets;
    byte[] seriesAttrs;
}
