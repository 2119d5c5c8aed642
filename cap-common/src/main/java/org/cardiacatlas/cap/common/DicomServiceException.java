package org.cardiacatlas.cap.common;

/**
 * The one way a failure travels to the DIMSE dispatcher: the status to answer with
 * (PS3.7 Annex C) and the Error Comment (0000,0902) that says why.
 */
public class DicomServiceException extends Exception {

    /** PS3.7 C.4.2 / PS3.4 B.2.3 status codes used by this server. */
    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int NO_SUCH_SOP_CLASS = 0x0122;
    public static final int UNRECOGNIZED_OPERATION = 0x0211;
    public static final int OUT_OF_RESOURCES = 0xA700;
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** C-FIND failures (PS3.4 C.4.1.1.4): the identifier breaks the model's rules, or cannot be processed. */
    public static final int IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    public static final int UNABLE_TO_PROCESS = 0xC000;

    private final int status;

    public DicomServiceException(int status, String errorComment) {
        super(errorComment);
        this.status = status;
    }

    public DicomServiceException(int status, String errorComment, Throwable cause) {
        super(errorComment, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Error Comment is LO: at most 64 characters (PS3.5 6.2). */
    public String errorComment() {
        String m = getMessage() == null ? "" : getMessage();
        return m.length() <= 64 ? m : m.substring(0, 64);
    }
}
