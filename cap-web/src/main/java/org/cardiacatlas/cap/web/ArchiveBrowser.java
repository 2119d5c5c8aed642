package org.cardiacatlas.cap.web;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.common.Uids;
import org.cardiacatlas.cap.query.FindOptions;
import org.cardiacatlas.cap.query.InformationModel;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive as the web app and its REST API see it: patient and study searches are C-FIND
 * identifiers given to the query unit (the matching rules of C-FIND and QIDO-RS, the cohorts of
 * the principal a condition of the same SQL); a study's series and a series' instances likewise;
 * ZIP downloads stream the files that the retrieve index locates, filtered by cohort as WADO-RS
 * does. Pages and API call this class, never the database.
 */
final class ArchiveBrowser {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveBrowser.class);
    private static final DicomDictionary DICT = DicomDictionary.StandardDictionary;
    static final int MAX_PAGE = 200;

    /** The search keys the pages offer, by level (keywords of PS3.6). */
    static final List<String> STUDY_KEYS = List.of("PatientID", "PatientName", "StudyDate", "ModalitiesInStudy",
            "StudyDescription", "AccessionNumber");
    static final List<String> PATIENT_KEYS = List.of("PatientID", "PatientName", "PatientBirthDate", "PatientSex");

    record Page<T>(List<T> items, int offset, int limit, boolean more) {
    }

    record Patient(String patientId, String patientName, String birthDate, String sex, int studies) {
    }

    record Study(String patientId, String patientName, String birthDate, String sex, String studyUid,
            String studyDate, String studyTime, String description, String modalities, String accession,
            int series, int instances) {
    }

    record Series(String seriesUid, String number, String modality, String description, int instances) {
    }

    record Instance(String sopUid, String number, int frames, int rows, int columns, String sopClass) {
    }

    private final PacsQuery query;
    private final RetrieveIndex retrieve;
    private final ArchiveStorage storage;
    private final AccessControl access;

    ArchiveBrowser(PacsQuery query, RetrieveIndex retrieve, ArchiveStorage storage, AccessControl access) {
        this.query = query;
        this.retrieve = retrieve;
        this.storage = storage;
        this.access = access;
    }

    // ---- searches ----

    Page<Patient> patients(Principal p, Map<String, String> keys, int offset, int limit) {
        AttributeList id = identifier("PATIENT", keys, PATIENT_KEYS);
        empty(id, TagFromName.NumberOfPatientRelatedStudies);
        List<Patient> out = new ArrayList<>();
        boolean more = find(p, InformationModel.PATIENT_ROOT, id, false, offset, limit, a -> out.add(new Patient(
                s(a, TagFromName.PatientID), s(a, TagFromName.PatientName), s(a, TagFromName.PatientBirthDate),
                s(a, TagFromName.PatientSex), n(a, TagFromName.NumberOfPatientRelatedStudies))));
        return new Page<>(out, offset, limit, more);
    }

    Page<Study> studies(Principal p, Map<String, String> keys, int offset, int limit) {
        AttributeList id = identifier("STUDY", keys, STUDY_KEYS);
        for (AttributeTag t : List.of(TagFromName.StudyInstanceUID, TagFromName.PatientBirthDate,
                TagFromName.PatientSex, TagFromName.StudyTime, TagFromName.NumberOfStudyRelatedSeries,
                TagFromName.NumberOfStudyRelatedInstances)) {
            empty(id, t);
        }
        List<Study> out = new ArrayList<>();
        boolean more = find(p, InformationModel.STUDY_ROOT, id, false, offset, limit, a -> out.add(study(a)));
        return new Page<>(out, offset, limit, more);
    }

    /** One study the principal may see; 404 otherwise (the same for absent and outside the cohorts). */
    Study study(Principal p, String studyUid) {
        Map<String, String> keys = new LinkedHashMap<>();
        AttributeList id = identifier("STUDY", keys, STUDY_KEYS);
        put(id, TagFromName.StudyInstanceUID, uid(studyUid));
        for (AttributeTag t : List.of(TagFromName.PatientBirthDate, TagFromName.PatientSex, TagFromName.StudyTime,
                TagFromName.NumberOfStudyRelatedSeries, TagFromName.NumberOfStudyRelatedInstances)) {
            empty(id, t);
        }
        List<Study> out = new ArrayList<>();
        find(p, InformationModel.STUDY_ROOT, id, false, 0, 1, a -> out.add(study(a)));
        if (out.isEmpty()) {
            throw HttpFailure.notFound("no such study");
        }
        return out.get(0);
    }

    List<Series> series(Principal p, String studyUid) {
        AttributeList id = new AttributeList();
        put(id, TagFromName.QueryRetrieveLevel, "SERIES");
        put(id, TagFromName.StudyInstanceUID, uid(studyUid));
        for (AttributeTag t : List.of(TagFromName.SeriesInstanceUID, TagFromName.SeriesNumber, TagFromName.Modality,
                TagFromName.SeriesDescription, TagFromName.NumberOfSeriesRelatedInstances)) {
            empty(id, t);
        }
        List<Series> out = new ArrayList<>();
        find(p, InformationModel.STUDY_ROOT, id, false, 0, 10_000, a -> out.add(new Series(
                s(a, TagFromName.SeriesInstanceUID), s(a, TagFromName.SeriesNumber), s(a, TagFromName.Modality),
                s(a, TagFromName.SeriesDescription), n(a, TagFromName.NumberOfSeriesRelatedInstances))));
        out.sort(Comparator.comparingInt((Series x) -> number(x.number())).thenComparing(Series::seriesUid));
        return out;
    }

    /** A series' instances in Instance Number order; 404 when the principal sees none. */
    List<Instance> instances(Principal p, String studyUid, String seriesUid) {
        AttributeList id = new AttributeList();
        put(id, TagFromName.QueryRetrieveLevel, "IMAGE");
        put(id, TagFromName.StudyInstanceUID, uid(studyUid));
        put(id, TagFromName.SeriesInstanceUID, uid(seriesUid));
        for (AttributeTag t : List.of(TagFromName.SOPInstanceUID, TagFromName.InstanceNumber,
                TagFromName.NumberOfFrames, TagFromName.Rows, TagFromName.Columns, TagFromName.SOPClassUID)) {
            empty(id, t);
        }
        List<Instance> out = new ArrayList<>();
        find(p, InformationModel.STUDY_ROOT, id, false, 0, 100_000, a -> out.add(new Instance(
                s(a, TagFromName.SOPInstanceUID), s(a, TagFromName.InstanceNumber),
                Math.max(1, n(a, TagFromName.NumberOfFrames)), n(a, TagFromName.Rows), n(a, TagFromName.Columns),
                s(a, TagFromName.SOPClassUID))));
        if (out.isEmpty()) {
            throw HttpFailure.notFound("no such series");
        }
        out.sort(Comparator.comparingInt((Instance x) -> number(x.number())).thenComparing(Instance::sopUid));
        return out;
    }

    // ---- downloads ----

    /** The files of a study or series the principal may see; 404 when none. */
    List<LocatedInstance> locate(Principal p, String studyUid, String seriesUid) {
        uid(studyUid);
        if (seriesUid != null) {
            uid(seriesUid);
        }
        List<LocatedInstance> out = new ArrayList<>();
        for (LocatedInstance li : retrieve.locate(null, List.of(studyUid), seriesUid == null ? null : List.of(seriesUid),
                null)) {
            if (access.maySeePatient(p, li.patId)) {
                out.add(li);
            }
        }
        if (out.isEmpty()) {
            throw HttpFailure.notFound(seriesUid == null ? "no such study" : "no such series");
        }
        return out;
    }

    /**
     * The located instances as a ZIP of DICOM files (PATIENTID/STUDYUID/SERIESUID/SOPUID.dcm),
     * written as they are read: nothing is held whole. A file that cannot be read once the ZIP
     * has begun is left out and named in a MISSING.txt entry at the end, and in the log.
     */
    void zip(Principal p, String remote, List<LocatedInstance> found, OutputStream out) throws IOException {
        int sent = 0;
        long bytes = 0;
        List<String> missing = new ArrayList<>();
        ZipOutputStream zip = new ZipOutputStream(out);
        // DICOM pixel data is often compressed already: the fastest level costs the least CPU
        zip.setLevel(Deflater.BEST_SPEED);
        for (LocatedInstance li : found) {
            Path file;
            try {
                file = storage.file(li);
            } catch (IOException e) {
                LOG.error("ZIP: instance {} left out: {}", li.sopIuid, e.getMessage());
                missing.add(li.sopIuid + ": " + e.getMessage());
                continue;
            }
            zip.putNextEntry(new ZipEntry(safe(li.patId) + "/" + li.studyIuid + "/" + li.seriesIuid + "/" + li.sopIuid
                    + ".dcm"));
            bytes += Files.copy(file, zip);
            zip.closeEntry();
            sent++;
        }
        if (!missing.isEmpty()) {
            zip.putNextEntry(new ZipEntry("MISSING.txt"));
            zip.write(String.join("\n", missing).concat("\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
        Audit.event("ZIP").with("user", p.name()).with("remote", remote).with("patient", found.get(0).patId)
                .with("study", found.get(0).studyIuid).with("instances", sent).with("failures", missing.size())
                .with("bytes", bytes).with("status", missing.isEmpty() ? "0000" : "B000").write();
    }

    private static String safe(String patId) {
        return patId == null || patId.isEmpty() ? "NO-ID" : patId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // ---- the query unit ----

    private interface Row {
        void accept(AttributeList a);
    }

    /** Whether there were more matches after offset + limit. */
    private boolean find(Principal p, InformationModel model, AttributeList id, boolean relational, int offset,
            int limit, Row row) {
        if (offset < 0 || limit < 1) {
            throw HttpFailure.badRequest("offset is 0 or more, limit 1 or more");
        }
        boolean[] more = {false};
        int[] seen = {0};
        try {
            query.find(model, id, new FindOptions(access.cohortPrefixes(p), relational, false), new PacsQuery.MatchSink() {
                @Override
                public boolean cancelled() {
                    return more[0];
                }

                @Override
                public void pending(AttributeList a, boolean unsupportedKeys) {
                    seen[0]++;
                    if (seen[0] <= offset) {
                        return;
                    }
                    if (seen[0] > offset + limit) {
                        more[0] = true;
                        return;
                    }
                    row.accept(a);
                }
            });
        } catch (DicomServiceException e) {
            throw new HttpFailure(WebServer.httpStatus(e), e.getMessage(), e);
        }
        return more[0];
    }

    private static AttributeList identifier(String level, Map<String, String> keys, List<String> allowed) {
        AttributeList id = new AttributeList();
        put(id, TagFromName.QueryRetrieveLevel, level);
        for (String k : allowed) {
            AttributeTag t = DICT.getTagFromName(k);
            String v = keys.get(k);
            if (v != null && !v.isBlank()) {
                put(id, t, v.trim());
            } else {
                empty(id, t);
            }
        }
        for (String k : keys.keySet()) {
            if (!allowed.contains(k)) {
                throw HttpFailure.badRequest("unknown search key '" + k + "': one of " + String.join(", ", allowed));
            }
        }
        return id;
    }

    private static Study study(AttributeList a) {
        return new Study(s(a, TagFromName.PatientID), s(a, TagFromName.PatientName), s(a, TagFromName.PatientBirthDate),
                s(a, TagFromName.PatientSex), s(a, TagFromName.StudyInstanceUID), s(a, TagFromName.StudyDate),
                s(a, TagFromName.StudyTime), s(a, TagFromName.StudyDescription), all(a, TagFromName.ModalitiesInStudy),
                s(a, TagFromName.AccessionNumber), n(a, TagFromName.NumberOfStudyRelatedSeries),
                n(a, TagFromName.NumberOfStudyRelatedInstances));
    }

    static String uid(String s) {
        if (s == null || !Uids.isValid(s)) {
            throw HttpFailure.badRequest("not a valid UID: " + (s == null ? "" : s.length() > 70 ? s.substring(0, 70)
                    + "..." : s));
        }
        return s;
    }

    private static void put(AttributeList list, AttributeTag t, String value) {
        try {
            Attribute a = AttributeFactory.newAttribute(t, DICT.getValueRepresentationFromTag(t));
            for (String v : value.split("\\\\")) {
                a.addValue(v);
            }
            list.put(a);
        } catch (DicomException e) {
            throw HttpFailure.badRequest("not a value of " + DICT.getNameFromTag(t) + ": " + value);
        }
    }

    private static void empty(AttributeList list, AttributeTag t) {
        try {
            list.put(AttributeFactory.newAttribute(t, DICT.getValueRepresentationFromTag(t)));
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String s(AttributeList a, AttributeTag t) {
        return Attribute.getSingleStringValueOrEmptyString(a, t);
    }

    private static String all(AttributeList a, AttributeTag t) {
        return String.join(", ", Attribute.getStringValues(a, t) == null ? new String[0] : Attribute.getStringValues(a, t));
    }

    private static int n(AttributeList a, AttributeTag t) {
        int v = number(s(a, t));
        return v == Integer.MAX_VALUE / 2 ? 0 : v;
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE / 2;
        }
    }
}
