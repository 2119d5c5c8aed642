package org.cardiacatlas.cap.access;

import java.time.LocalDateTime;
import org.apache.ibatis.annotations.Param;

/** The {@code web_session} table. */
interface WebSessionMapper {
    WebSessionRow selectByHash(@Param("hash") String hash);

    int insert(WebSessionRow row);

    int touch(@Param("pk") long pk, @Param("now") LocalDateTime now, @Param("expiry") LocalDateTime expiry);

    int deleteByHash(@Param("hash") String hash);

    /** Every session of the user but the one of keepHash (which may be empty). */
    int deleteByUser(@Param("username") String username, @Param("keepHash") String keepHash);

    int deleteExpired(@Param("now") LocalDateTime now);
}
