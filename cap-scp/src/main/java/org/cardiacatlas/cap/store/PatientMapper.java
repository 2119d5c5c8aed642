package org.cardiacatlas.cap.store;

import org.apache.ibatis.annotations.Param;

interface PatientMapper {
    /** The name and birth date tell patients without Patient ID apart (V22); others ignore them. */
    PatientRow selectByIdAndIssuer(@Param("patId") String patId, @Param("issuer") String issuer,
            @Param("name") String name, @Param("iName") String iName, @Param("pName") String pName,
            @Param("birthdate") String birthdate);

    int insert(PatientRow row);

    int updateAttributes(PatientRow row);
}
