package org.cardiacatlas.cap.store;

interface SeriesMapper {
    int insert(SeriesRow row);

    int updateAttributes(SeriesRow row);
}
