package org.cardiacatlas.cap.xpacs;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the pending studies (xpacs_pending) while XPACS is on another server: makes or
 * moves their XPACS rows, and keeps trying, every few seconds, while that server is away.
 */
public final class XpacsCatchUp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XpacsCatchUp.class);

    private final SqlSessionFactory pacs;
    private final SqlSessionFactory xpacs;
    private final XpacsSync sync;
    private final Runnable prepareXpacs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "xpacs-catch-up");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    /** @param prepareXpacs creates or migrates the XPACS schema; throws while the server is away */
    public XpacsCatchUp(SqlSessionFactory pacs, SqlSessionFactory xpacs, XpacsSync sync, Runnable prepareXpacs) {
        this.pacs = pacs;
        this.xpacs = xpacs;
        this.sync = sync;
        this.prepareXpacs = prepareXpacs;
    }

    public void start(int intervalSeconds) {
        timer.scheduleWithFixedDelay(this::runQuietly, 0, intervalSeconds, TimeUnit.SECONDS);
    }

    private void runQuietly() {
        try {
            catchUp();
            if (failing) {
                LOG.info("XPACS reachable again: pending studies caught up");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("XPACS unreachable, studies stay pending until it is back: {}", e.getMessage());
                failing = true;
            }
            LOG.debug("XPACS catch-up failed", e);
        }
    }

    /** Makes the XPACS rows of every pending study; returns how many it did. */
    public int catchUp() {
        List<String> studies;
        try (SqlSession s = pacs.openSession(false)) {
            studies = s.getMapper(XpacsPendingMapper.class).selectStudies(500);
        }
        if (studies.isEmpty()) {
            return 0;
        }
        prepareXpacs.run();
        int done = 0;
        for (String studyIuid : studies) {
            PacsStudyRow st;
            try (SqlSession s = pacs.openSession(false)) {
                st = s.getMapper(PacsStudyMapper.class).selectByStudyUid(studyIuid);
            }
            try {
                if (st != null) {
                    try (SqlSession x = xpacs.openSession(false)) {
                        StudyPacsRow link = x.getMapper(StudyPacsMapper.class).selectByStudyUid(studyIuid);
                        if (link == null) {
                            sync.addStudy(x, st.patId, studyIuid, st.studyDatetime != null ? st.studyDatetime : st.createdTime);
                        } else if (!st.patId.equals(link.pacsPatientId)) {
                            sync.studyMoved(x, studyIuid, link.pacsPatientId, st.patId, st.studyDatetime);
                        }
                        x.commit(true);
                    }
                }
                try (SqlSession s = pacs.openSession(false)) {
                    s.getMapper(XpacsPendingMapper.class).delete(studyIuid);
                    s.commit(true);
                }
                done++;
            } catch (RuntimeException e) {
                try (SqlSession s = pacs.openSession(false)) {
                    s.getMapper(XpacsPendingMapper.class).recordFailure(studyIuid, String.valueOf(e.getMessage()));
                    s.commit(true);
                }
                throw e;
            }
        }
        LOG.info("XPACS caught up with {} pending studies", done);
        return done;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
