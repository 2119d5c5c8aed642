package org.cardiacatlas.cap.store;

import org.apache.ibatis.annotations.Param;

interface PatientMapper {
    PatientRow selectByIdAndIssuer(@Param("patId") String patId, @Param("issuer") String issuer);

    int insert(PatientRow row);

    int updateAttributes(PatientRow row);
}
