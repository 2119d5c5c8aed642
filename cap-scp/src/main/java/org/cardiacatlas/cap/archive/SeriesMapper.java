package org.cardiacatlas.cap.archive;

interface SeriesMapper {
    int insert(SeriesRow row);

    int updateAttributes(SeriesRow row);
}
