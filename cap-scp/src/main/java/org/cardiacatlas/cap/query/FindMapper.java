package org.cardiacatlas.cap.query;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface FindMapper {
    /**
     * One page of the entities at the query level that match the conditions, in primary key
     * order after {@code after}: a large answer is read page by page, never whole.
     */
    List<MatchRow> selectMatches(@Param("q") FindQuery q, @Param("after") long after, @Param("limit") int limit);
}
