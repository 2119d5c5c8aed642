package org.cardiacatlas.cap.store;

import org.apache.ibatis.annotations.Param;

interface PatientMapper {
    /** The name and birth date tell patients without Patient ID apart (V22); others ignore them. */
    PatientRow selectByIdAndIssuer(@Param("patId") String patId, @Param("issuer") String issuer,
            @Param("name") String name, @Param("iName") String iName, @Param("pName") String pName,
            @Param("birthdate") String birthdate);

    int insert(PatientRow row);

    int updateAttributes(PatientRow row);

    /** capserver delete patient: the patient rows of a Patient ID (any issuer). */
    java.util.List<Long> selectPksById(@Param("patId") String patId);

    /** A patient whose last study was deleted goes too; one with studies left stays (0 rows). */
    int deleteIfWithoutStudies(@Param("pk") long pk);
}
