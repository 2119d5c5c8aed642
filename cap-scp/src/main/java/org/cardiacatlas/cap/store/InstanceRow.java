package org.cardiacatlas.cap.store;

import java.time.LocalDateTime;

/** A row of {@code instance}. */
final class InstanceRow {
    Long pk;
    Long seriesFk;
    String sopIuid;
    String sopCuid;
    String instNo;
    LocalDateTime contentDatetime;
    String srComplete;
    String srVerified;
    String retrieveAets;
    byte[] instAttrs;
}
