package org.cardiacatlas.cap.commit;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code stgcmt_pending} table. */
interface PendingMapper {
    int insert(PendingRow row);

    /** Rows whose next attempt is due and that no node holds, oldest first. */
    List<PendingRow> selectDue(@Param("expirySeconds") int expirySeconds, @Param("limit") int limit);

    /** Takes a row for this node for a while; 0 when another node holds it. */
    int claim(@Param("pk") long pk, @Param("owner") String owner, @Param("leaseSeconds") int leaseSeconds);

    int saveOutcome(@Param("pk") long pk, @Param("outcome") byte[] outcome, @Param("numFailed") int numFailed);

    int reschedule(@Param("pk") long pk, @Param("delaySeconds") int delaySeconds,
            @Param("lastError") String lastError);

    int delete(@Param("pk") long pk);

    /** At stop: rows this node held are free for the next one at once. */
    int release(@Param("owner") String owner);

    List<PendingRow> selectAll(@Param("limit") int limit);

    long count();
}
