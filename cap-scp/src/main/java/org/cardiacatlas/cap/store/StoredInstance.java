package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.AttributeList;

/**
 * What the index records of one received instance: its attributes (read up to the pixel
 * data), who sent it, and where its durable file is.
 */
public record StoredInstance(
        AttributeList attributes,
        String studyIuid,
        String seriesIuid,
        String sopIuid,
        String sopCuid,
        String callingAet,
        String filepath,
        String transferSyntaxUid,
        String md5,
        long size) {
}
