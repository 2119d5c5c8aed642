package org.cardiacatlas.cap.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** store_pending (dbase/pacs/V28): instances committed before their folder was durable. */
interface StorePendingMapper {
    /** This node's rows and every row created before {@code staleBefore}, oldest first. */
    List<PendingStore> selectToHeal(@Param("node") String node, @Param("staleBefore") java.sql.Timestamp staleBefore,
            @Param("limit") int limit);

    List<PendingStore> selectOne(@Param("node") String node, @Param("token") long token);

    int delete(@Param("node") String node, @Param("tokens") List<Long> tokens);
}
