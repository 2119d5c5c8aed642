package org.cardiacatlas.cap.retrieve;

import java.util.List;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** The index side of C-MOVE and C-GET: which instances a retrieve names, and where they may go. */
public final class RetrieveIndex {

    private final SqlSessionFactory sessions;

    public RetrieveIndex(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    public static List<Class<?>> mappers() {
        return List.of(AeMapper.class, RetrieveMapper.class);
    }

    /** Null keys are not constrained; at least one must be given (the caller checks the level's). */
    public List<LocatedInstance> locate(String patientId, List<String> studyUids, List<String> seriesUids,
            List<String> sopUids) {
        if (patientId == null && studyUids == null && seriesUids == null && sopUids == null) {
            throw new IllegalArgumentException("a retrieve names at least one key");
        }
        try (SqlSession s = sessions.openSession(false)) {
            return s.getMapper(RetrieveMapper.class).locate(patientId, studyUids, seriesUids, sopUids);
        }
    }

    public AeRow destination(String aet) {
        try (SqlSession s = sessions.openSession(false)) {
            return s.getMapper(AeMapper.class).selectByAet(aet);
        }
    }

    public List<AeRow> destinations() {
        try (SqlSession s = sessions.openSession(false)) {
            return s.getMapper(AeMapper.class).selectAll();
        }
    }

    /** Adds or updates a destination. */
    public void saveDestination(AeRow ae) {
        try (SqlSession s = sessions.openSession(false)) {
            AeMapper m = s.getMapper(AeMapper.class);
            if (m.update(ae) == 0) {
                m.insert(ae);
            }
            s.commit(true);
        }
    }

    public boolean removeDestination(String aet) {
        try (SqlSession s = sessions.openSession(false)) {
            int n = s.getMapper(AeMapper.class).deleteByAet(aet);
            s.commit(true);
            return n > 0;
        }
    }
}
