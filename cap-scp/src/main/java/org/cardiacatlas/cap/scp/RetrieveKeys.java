package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.common.Uids;
import org.cardiacatlas.cap.dicom.DataSets;

/**
 * The identifier of a C-MOVE or C-GET: the Query/Retrieve Level and the unique keys down to it
 * (PS3.4 C.4.2.2.1, C.4.3.2.1), each UID key a single value or a list of UIDs (C.2.2.2.2).
 */
final class RetrieveKeys {

    static final String PATIENT_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.1.2";
    static final String PATIENT_ROOT_GET = "1.2.840.10008.5.1.4.1.2.1.3";
    static final String STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2";
    static final String STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3";

    static final int IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = 0xA900;

    final String level;
    final String patientId;
    final List<String> studyUids;
    final List<String> seriesUids;
    final List<String> sopUids;

    private RetrieveKeys(String level, String patientId, List<String> studyUids, List<String> seriesUids,
            List<String> sopUids) {
        this.level = level;
        this.patientId = patientId;
        this.studyUids = studyUids;
        this.seriesUids = seriesUids;
        this.sopUids = sopUids;
    }

    static RetrieveKeys parse(DimseRequest rq) throws DicomServiceException {
        return parse(rq, true);
    }

    /**
     * @param strict PATIENT level only in the Patient Root model (PS3.4 C.6.2); leniently, as
     *        dcm4chee and Orthanc do, a PATIENT level retrieve in the Study Root model takes the
     *        patient's studies (Orthanc sends it for "retrieve this patient")
     */
    static RetrieveKeys parse(DimseRequest rq, boolean strict) throws DicomServiceException {
        AttributeList id;
        try {
            byte[] bytes = ((MemorySink) rq.data()).bytes();
            id = DataSets.read(bytes, rq.transferSyntaxUid());
        } catch (IOException | DicomException | ClassCastException | NullPointerException e) {
            throw new DicomServiceException(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, "unreadable identifier");
        }
        String level = Attribute.getSingleStringValueOrEmptyString(id, TagFromName.QueryRetrieveLevel).trim();
        boolean patientRoot = rq.affectedSopClassUid().equals(PATIENT_ROOT_MOVE)
                || rq.affectedSopClassUid().equals(PATIENT_ROOT_GET);
        String patientId = Attribute.getSingleStringValueOrEmptyString(id, TagFromName.PatientID).trim();
        List<String> studies = uids(id, TagFromName.StudyInstanceUID);
        List<String> series = uids(id, TagFromName.SeriesInstanceUID);
        List<String> sops = uids(id, TagFromName.SOPInstanceUID);
        switch (level) {
            case "PATIENT" -> {
                if (!patientRoot && strict) {
                    throw new DicomServiceException(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                            "PATIENT level needs the Patient Root model");
                }
                require(!patientId.isEmpty(), "Patient ID");
                return new RetrieveKeys(level, patientId, null, null, null);
            }
            case "STUDY" -> {
                require(studies != null, "Study Instance UID");
                return new RetrieveKeys(level, patientRoot && !patientId.isEmpty() ? patientId : null, studies, null, null);
            }
            case "SERIES" -> {
                require(series != null, "Series Instance UID");
                return new RetrieveKeys(level, patientRoot && !patientId.isEmpty() ? patientId : null, studies, series, null);
            }
            case "IMAGE" -> {
                require(sops != null, "SOP Instance UID");
                return new RetrieveKeys(level, patientRoot && !patientId.isEmpty() ? patientId : null, studies, series, sops);
            }
            default -> throw new DicomServiceException(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    level.isEmpty() ? "missing Query/Retrieve Level" : "unknown Query/Retrieve Level " + level);
        }
    }

    private static void require(boolean present, String key) throws DicomServiceException {
        if (!present) {
            throw new DicomServiceException(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, "missing unique key " + key);
        }
    }

    /** Null when the key is absent or empty (universal); every value must be a UID. */
    private static List<String> uids(AttributeList id, AttributeTag tag) throws DicomServiceException {
        String[] values = Attribute.getStringValues(id, tag);
        if (values == null || values.length == 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String u = v.trim();
            if (u.isEmpty()) {
                continue;
            }
            if (!Uids.isValid(u)) {
                throw new DicomServiceException(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, "not a UID in the identifier");
            }
            out.add(u);
        }
        if (out.size() > 10_000) {
            throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES, "more than 10000 UIDs in one key");
        }
        return out.isEmpty() ? null : out;
    }

    String describe() {
        String keys = level + (patientId != null ? " patient " + patientId : "")
                + (studyUids != null ? " study " + String.join("\\", studyUids) : "")
                + (seriesUids != null ? " series " + String.join("\\", seriesUids) : "")
                + (sopUids != null ? " " + sopUids.size() + " instances" : "");
        return keys.length() <= 300 ? keys : keys.substring(0, 300) + "...";
    }
}
