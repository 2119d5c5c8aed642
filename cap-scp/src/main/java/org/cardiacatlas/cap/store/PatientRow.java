package org.cardiacatlas.cap.store;

/** A row of {@code patient}. */
final class PatientRow {
    Long pk;
    String patId;
    String patIdIssuer;
    String patName;
    String patIName;
    String patPName;
    String patFnSx;
    String patGnSx;
    String patBirthdate;
    String patSex;
    byte[] patAttrs;
}
