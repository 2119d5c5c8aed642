package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.AttributeList;

/**
 * The status of a (final) response, its Error Comment, any further command attributes, and a
 * data set (e.g. the Failed SOP Instance UID List of a retrieve, PS3.4 C.4.2.1.4).
 */
public record DimseResponse(int status, String errorComment, AttributeList extraCommand, AttributeList dataSet) {

    public static final int SUCCESS = 0x0000;

    public DimseResponse(int status, String errorComment, AttributeList extraCommand) {
        this(status, errorComment, extraCommand, null);
    }

    public static DimseResponse success() {
        return new DimseResponse(SUCCESS, null, null, null);
    }
}
