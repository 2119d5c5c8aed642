package org.cardiacatlas.cap.access;

import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Param;

interface UserMapper {
    UserRow selectByName(@Param("username") String username);

    List<UserRow> selectAll();

    long count();

    int insert(UserRow row);

    int updatePassword(@Param("username") String username, @Param("hash") String hash,
            @Param("now") LocalDateTime now);

    int updateRoleAndCohorts(@Param("username") String username, @Param("role") String role,
            @Param("cohorts") String cohorts, @Param("now") LocalDateTime now);

    int deleteByName(@Param("username") String username);
}
