package org.cardiacatlas.cap.common.rows;

/** A row class as the units write them: package-private, for RowFactoryTest. */
final class HiddenRow {
    String value = "made";
}
