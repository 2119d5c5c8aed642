package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.AttributeList;

/** The status of a (final) response, its Error Comment, and any further command attributes. */
public record DimseResponse(int status, String errorComment, AttributeList extraCommand) {

    public static final int SUCCESS = 0x0000;

    public static DimseResponse success() {
        return new DimseResponse(SUCCESS, null, null);
    }
}
