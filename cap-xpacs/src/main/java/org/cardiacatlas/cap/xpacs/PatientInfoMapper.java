package org.cardiacatlas.cap.xpacs;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface PatientInfoMapper {
    /** Locks the patient: every change of one patient's chain is serialized on this row. */
    PatientInfoRow selectForUpdate(@Param("patientId") String patientId);

    PatientInfoRow selectById(@Param("id") int id);

    PatientInfoRow selectByPatientId(@Param("patientId") String patientId);

    List<PatientInfoRow> selectAll();

    int insert(PatientInfoRow row);

    int updateFirstHistory(@Param("id") int id, @Param("firstHistoryId") Integer firstHistoryId);

    int updateCohortGender(@Param("id") int id, @Param("cohort") String cohort, @Param("gender") String gender);
}
