package org.cardiacatlas.cap.xpacs;

import org.apache.ibatis.annotations.Param;

interface ClinicalNoteMapper {
    int insert(ClinicalNoteRow row);

    ClinicalNoteRow selectById(@Param("id") int id);

    int update(ClinicalNoteRow row);

    int delete(@Param("id") int id);
}
