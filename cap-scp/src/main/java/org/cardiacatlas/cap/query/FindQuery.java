package org.cardiacatlas.cap.query;

import java.util.ArrayList;
import java.util.List;

/** What FindMapper.selectMatches needs: the level, the conditions, and which blobs and counts to read. */
final class FindQuery {

    private final QueryRetrieveLevel level;
    private final List<SqlCondition> conditions = new ArrayList<>();
    boolean patientAttrs;
    boolean studyAttrs;
    boolean seriesAttrs;
    boolean instanceAttrs;
    boolean patientCounts;

    FindQuery(QueryRetrieveLevel level) {
        this.level = level;
    }

    void add(SqlCondition c) {
        conditions.add(c);
    }

    void needBlob(QueryRetrieveLevel l) {
        switch (l) {
            case PATIENT -> patientAttrs = true;
            case STUDY -> studyAttrs = true;
            case SERIES -> seriesAttrs = true;
            case IMAGE -> instanceAttrs = true;
        }
    }

    public String getLevel() {
        return level.name();
    }

    public List<SqlCondition> getConditions() {
        return conditions;
    }

    public boolean isPatientAttrs() {
        return patientAttrs;
    }

    public boolean isStudyAttrs() {
        return studyAttrs;
    }

    public boolean isSeriesAttrs() {
        return seriesAttrs;
    }

    public boolean isInstanceAttrs() {
        return instanceAttrs;
    }

    public boolean isPatientCounts() {
        return patientCounts;
    }

    @Override
    public String toString() {
        return level + " " + conditions;
    }
}
