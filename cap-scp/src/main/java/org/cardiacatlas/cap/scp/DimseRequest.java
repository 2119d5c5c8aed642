package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.cardiacatlas.cap.common.Audit;

/** One received DIMSE request: its command set (PS3.7 9.3), context and data set, if any. */
public final class DimseRequest {

    /** Command Field values, PS3.7 E.1. */
    public static final int C_STORE_RQ = 0x0001;
    public static final int C_FIND_RQ = 0x0020;
    public static final int C_GET_RQ = 0x0010;
    public static final int C_MOVE_RQ = 0x0021;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_CANCEL_RQ = 0x0FFF;
    public static final int N_EVENT_REPORT_RQ = 0x0100;
    public static final int N_ACTION_RQ = 0x0130;

    /** Command Data Set Type (0000,0800) meaning "no data set". */
    static final int NO_DATA_SET = 0x0101;

    private final AssociationContext association;
    private final AttributeList command;
    private final byte presentationContextId;
    private final String transferSyntaxUid;
    private DataSetSink data;
    private String patientId;
    private String studyUid;
    private String seriesUid;
    private long bytes;
    private Long matches;
    private String auditOp;
    private final java.util.List<Runnable> afterResponse = new java.util.ArrayList<>();
    private final java.util.Map<String, Object> auditFields = new java.util.LinkedHashMap<>();

    DimseRequest(AssociationContext association, AttributeList command, byte presentationContextId,
            String transferSyntaxUid) {
        this.association = association;
        this.command = command;
        this.presentationContextId = presentationContextId;
        this.transferSyntaxUid = transferSyntaxUid;
    }

    public AssociationContext association() {
        return association;
    }

    public AttributeList command() {
        return command;
    }

    public int commandField() {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandField, -1);
    }

    public int messageId() {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.MessageID, 0);
    }

    public String affectedSopClassUid() {
        return Attribute.getSingleStringValueOrEmptyString(command, TagFromName.AffectedSOPClassUID).trim();
    }

    public String affectedSopInstanceUid() {
        return Attribute.getSingleStringValueOrEmptyString(command, TagFromName.AffectedSOPInstanceUID).trim();
    }

    /** Requested SOP Class UID (0000,0003) of an N-service request (PS3.7 10.3). */
    public String requestedSopClassUid() {
        return Attribute.getSingleStringValueOrEmptyString(command, TagFromName.RequestedSOPClassUID).trim();
    }

    /** Requested SOP Instance UID (0000,1001) of an N-service request. */
    public String requestedSopInstanceUid() {
        return Attribute.getSingleStringValueOrEmptyString(command, TagFromName.RequestedSOPInstanceUID).trim();
    }

    /**
     * The request's data set read from memory (services that keep the default sink), or null
     * when it has none or it cannot be read.
     */
    public AttributeList dataSet() {
        if (!hasDataSet() || !(data instanceof MemorySink sink)) {
            return null;
        }
        AttributeList list = new AttributeList();
        try {
            list.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(sink.bytes()),
                    transferSyntaxUid, false));
            return list;
        } catch (java.io.IOException | com.pixelmed.dicom.DicomException e) {
            return null;
        }
    }

    /** Runs on the association's thread once the final response has been sent. */
    public void afterResponse(Runnable r) {
        afterResponse.add(r);
    }

    java.util.List<Runnable> afterResponse() {
        return afterResponse;
    }

    /** The audit log's op for this request, when it is not the command's name (e.g. STGCMT). */
    public void auditAs(String op) {
        this.auditOp = op;
    }

    /** A further field of this request's audit line. */
    public void auditWith(String name, Object value) {
        auditFields.put(name, value);
    }

    public boolean hasDataSet() {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandDataSetType, NO_DATA_SET)
                != NO_DATA_SET;
    }

    public byte presentationContextId() {
        return presentationContextId;
    }

    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }

    private String note;

    /** What the request turned out to be about, once the service knows: for log lines and the audit log. */
    public void about(String patientId, String studyUid, String seriesUid, long bytes) {
        this.patientId = patientId;
        this.studyUid = studyUid;
        this.seriesUid = seriesUid;
        this.bytes = bytes;
    }

    /** A remark for the audit record of a request that succeeded, e.g. what an incomplete IOD lacks. */
    public void note(String note) {
        this.note = note;
    }

    /** How many matches a query answered, for the audit log. */
    public void matches(long n) {
        this.matches = n;
    }

    Audit.Event audit(int status, String detail) {
        String name = describe();
        int space = name.indexOf(' ');
        Audit.Event e = association.audit(auditOp != null ? auditOp : space < 0 ? name : name.substring(0, space))
                .status(status);
        auditFields.forEach(e::with);
        return e.with("patient", patientId).with("study", studyUid).with("series", seriesUid)
                .with("sop", affectedSopInstanceUid().isEmpty() ? null : affectedSopInstanceUid())
                .with("bytes", bytes > 0 ? bytes : null).with("matches", matches).with("detail", detail != null ? detail : note);
    }

    public DataSetSink data() {
        return data;
    }

    void setData(DataSetSink data) {
        this.data = data;
    }

    /** For log lines: the command and what it is about. */
    String describe() {
        String name = switch (commandField()) {
            case C_STORE_RQ -> "C-STORE";
            case C_FIND_RQ -> "C-FIND";
            case C_GET_RQ -> "C-GET";
            case C_MOVE_RQ -> "C-MOVE";
            case C_ECHO_RQ -> "C-ECHO";
            case N_ACTION_RQ -> "N-ACTION";
            case N_EVENT_REPORT_RQ -> "N-EVENT-REPORT";
            default -> String.format("command 0x%04x", commandField());
        };
        String sop = affectedSopInstanceUid();
        String what = sop.isEmpty() ? name : name + " " + sop;
        if (studyUid != null) {
            what += " of study " + studyUid + ", patient " + patientId;
        }
        return what;
    }
}
