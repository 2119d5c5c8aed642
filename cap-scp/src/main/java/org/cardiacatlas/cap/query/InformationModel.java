package org.cardiacatlas.cap.query;

import java.util.List;

/** The Query/Retrieve Information Models - FIND that the archive answers (PS3.4 C.6.1, C.6.2). */
public enum InformationModel {
    PATIENT_ROOT("1.2.840.10008.5.1.4.1.2.1.1", List.of(QueryRetrieveLevel.PATIENT, QueryRetrieveLevel.STUDY,
            QueryRetrieveLevel.SERIES, QueryRetrieveLevel.IMAGE)),
    STUDY_ROOT("1.2.840.10008.5.1.4.1.2.2.1", List.of(QueryRetrieveLevel.STUDY, QueryRetrieveLevel.SERIES,
            QueryRetrieveLevel.IMAGE));

    private final String findSopClass;
    private final List<QueryRetrieveLevel> levels;

    InformationModel(String findSopClass, List<QueryRetrieveLevel> levels) {
        this.findSopClass = findSopClass;
        this.levels = levels;
    }

    public String findSopClass() {
        return findSopClass;
    }

    List<QueryRetrieveLevel> levels() {
        return levels;
    }

    /** The model of a C-FIND SOP Class UID, or null. */
    public static InformationModel ofFindSopClass(String uid) {
        for (InformationModel m : values()) {
            if (m.findSopClass.equals(uid)) {
                return m;
            }
        }
        return null;
    }
}
