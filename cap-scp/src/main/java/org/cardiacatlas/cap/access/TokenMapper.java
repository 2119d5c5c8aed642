package org.cardiacatlas.cap.access;

import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Param;

interface TokenMapper {
    /** The token and its owner's name, if not revoked. */
    TokenRow selectActiveByHash(@Param("hash") String hash);

    List<TokenRow> selectByUser(@Param("username") String username);

    int insert(TokenRow row);

    int touch(@Param("pk") long pk, @Param("now") LocalDateTime now);

    int revoke(@Param("pk") long pk, @Param("username") String username, @Param("now") LocalDateTime now);
}
