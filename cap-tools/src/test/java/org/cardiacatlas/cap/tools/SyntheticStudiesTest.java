package org.cardiacatlas.cap.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticStudiesTest {

    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");
    private static final Pattern CAP_ID = Pattern.compile("[A-Z]{3}[0-9]{7}");
    private static final AttributeTag CARDIAC_NUMBER_OF_IMAGES = new AttributeTag(0x0018, 0x1090);

    @TempDir
    Path tmp;

    private static SyntheticStudies.Builder small() {
        return SyntheticStudies.builder().prefix("SYN").patients(2).sessionsPerPatient(2)
                .seriesPerStudy(3).imagesPerSeries(4).rows(32).columns(24).seed(42);
    }

    @Test
    void countsOfFilesStudiesAndSeries() throws Exception {
        SyntheticStudies.Generated generated = small().build().generate(tmp.resolve("out"));

        assertEquals(2 * 2 * 3 * 4, generated.files().size());
        assertEquals(4, generated.studies().size());
        Map<String, Set<String>> seriesByStudy = new TreeMap<>();
        for (Path file : generated.files()) {
            AttributeList list = read(file);
            seriesByStudy.computeIfAbsent(string(list, TagFromName.StudyInstanceUID), k -> new HashSet<>())
                    .add(string(list, TagFromName.SeriesInstanceUID));
            assertEquals(string(list, TagFromName.PatientID), file.getParent().getFileName().toString());
            assertTrue(file.getFileName().toString().matches("[A-Za-z0-9_]+\\.dcm"), file.toString());
        }
        assertEquals(4, seriesByStudy.size());
        seriesByStudy.values().forEach(series -> assertEquals(3, series.size()));
        for (SyntheticStudies.StudyInfo study : generated.studies()) {
            assertEquals(Set.copyOf(study.seriesInstanceUids()), seriesByStudy.get(study.studyInstanceUid()));
            assertEquals(12, study.instances());
        }
    }

    @Test
    void capIdsAndSessionsOfOnePatient() throws Exception {
        assertEquals("SYN0001501", SyntheticStudies.capId("SYN", 15, 1));
        assertEquals("SYN0001502", SyntheticStudies.capId("SYN", 15, 2));

        SyntheticStudies.Generated generated = small().firstPatient(15).build().generate(tmp);
        Map<String, List<AttributeList>> byPatient = new TreeMap<>();
        for (Path file : generated.files()) {
            AttributeList list = read(file);
            String id = string(list, TagFromName.PatientID);
            assertTrue(CAP_ID.matcher(id).matches(), id);
            byPatient.computeIfAbsent(id.substring(0, 8), k -> new ArrayList<>()).add(list);
        }
        assertEquals(Set.of("SYN00015", "SYN00016"), byPatient.keySet());
        for (List<AttributeList> lists : byPatient.values()) {
            Map<String, String> dateBySession = new TreeMap<>();
            for (AttributeList list : lists) {
                dateBySession.put(string(list, TagFromName.PatientID), string(list, TagFromName.StudyDate));
                assertEquals(string(lists.get(0), TagFromName.PatientName), string(list, TagFromName.PatientName));
                assertEquals(string(lists.get(0), TagFromName.PatientBirthDate),
                        string(list, TagFromName.PatientBirthDate));
            }
            assertEquals(2, dateBySession.size());
            List<String> dates = new ArrayList<>(dateBySession.values());
            assertTrue(dates.get(0).compareTo(dates.get(1)) < 0, "sessions on increasing dates: " + dates);
        }
        assertEquals("Synthetic^Patient15", string(read(generated.files().get(0)), TagFromName.PatientName));
        List<LocalDate> studyDates = generated.studies().stream().map(SyntheticStudies.StudyInfo::studyDate).toList();
        assertEquals(studyDates.get(0).plusYears(1), studyDates.get(1));
    }

    @Test
    void uidsAreValidAndUnique() throws Exception {
        List<Path> files = small().build().writeTo(tmp);
        Set<String> sopInstances = new HashSet<>();
        Set<String> series = new HashSet<>();
        Set<String> studies = new HashSet<>();
        for (Path file : files) {
            AttributeList list = read(file);
            for (AttributeTag tag : List.of(TagFromName.SOPInstanceUID, TagFromName.SeriesInstanceUID,
                    TagFromName.StudyInstanceUID, TagFromName.FrameOfReferenceUID,
                    TagFromName.MediaStorageSOPInstanceUID)) {
                String uid = string(list, tag);
                assertTrue(uid.length() <= 64 && UID.matcher(uid).matches(), tag + " " + uid);
            }
            assertEquals(string(list, TagFromName.SOPInstanceUID),
                    string(list, TagFromName.MediaStorageSOPInstanceUID));
            sopInstances.add(string(list, TagFromName.SOPInstanceUID));
            series.add(string(list, TagFromName.SeriesInstanceUID));
            studies.add(string(list, TagFromName.StudyInstanceUID));
        }
        assertEquals(files.size(), sopInstances.size());
        assertEquals(12, series.size());
        assertEquals(4, studies.size());
        Set<String> all = new HashSet<>(sopInstances);
        all.addAll(series);
        all.addAll(studies);
        assertEquals(files.size() + 12 + 4, all.size());
    }

    @Test
    void sameSeedSameUidsOtherSeedOtherUids() throws Exception {
        List<String> first = sopInstanceUids(small().seed(7).build().writeTo(tmp.resolve("a")));
        List<Path> againFiles = small().seed(7).build().writeTo(tmp.resolve("b"));
        List<String> other = sopInstanceUids(small().seed(8).build().writeTo(tmp.resolve("c")));

        assertEquals(first, sopInstanceUids(againFiles));
        Path sameFileFirstRun = tmp.resolve("a").resolve(tmp.resolve("b").relativize(againFiles.get(5)));
        assertEquals(-1L, Files.mismatch(sameFileFirstRun, againFiles.get(5)), "byte-identical");
        assertTrue(Collections.disjoint(first, other));
        assertNotEquals(small().seed(7).build().studies(), small().seed(8).build().studies());
        assertEquals(small().seed(7).build().studies(), small().seed(7).build().studies());
    }

    @Test
    void pixelDataAndImagePixelModule() throws Exception {
        List<Path> files = SyntheticStudies.builder().rows(64).columns(48).imagesPerSeries(3).seed(3)
                .build().writeTo(tmp);
        short[] previous = null;
        for (Path file : files) {
            AttributeList list = read(file);
            Attribute pixelData = list.get(TagFromName.PixelData);
            assertEquals(64L * 48 * 2, pixelData.getVL());
            short[] values = pixelData.getShortValues();
            assertEquals(64 * 48, values.length);
            Set<Short> distinct = new HashSet<>();
            for (short v : values) {
                assertTrue(v >= 0 && v < 4096, "12 bits stored: " + v);
                distinct.add(v);
            }
            assertTrue(distinct.size() > 100, "noisy, not flat");
            if (previous != null) {
                assertFalse(Arrays.equals(previous, values), "phases differ");
            }
            previous = values;
            assertEquals(64, list.get(TagFromName.Rows).getSingleIntegerValueOrDefault(0));
            assertEquals(48, list.get(TagFromName.Columns).getSingleIntegerValueOrDefault(0));
            assertEquals(1, list.get(TagFromName.SamplesPerPixel).getSingleIntegerValueOrDefault(0));
            assertEquals(16, list.get(TagFromName.BitsAllocated).getSingleIntegerValueOrDefault(0));
            assertEquals(12, list.get(TagFromName.BitsStored).getSingleIntegerValueOrDefault(0));
            assertEquals(11, list.get(TagFromName.HighBit).getSingleIntegerValueOrDefault(0));
            assertEquals(0, list.get(TagFromName.PixelRepresentation).getSingleIntegerValueOrDefault(-1));
            assertEquals("MONOCHROME2", string(list, TagFromName.PhotometricInterpretation));
        }
    }

    @Test
    void mrImageAttributes() throws Exception {
        List<Path> files = SyntheticStudies.builder().seriesPerStudy(3).imagesPerSeries(5).rows(16).columns(16)
                .build().writeTo(tmp);
        assertEquals(15, files.size());
        AttributeList list = read(files.get(2 * 5 + 3)); // slice 3, phase 4
        assertEquals(SyntheticStudies.MR_IMAGE_STORAGE, string(list, TagFromName.SOPClassUID));
        assertEquals("1.2.840.10008.5.1.4.1.1.4", string(list, TagFromName.MediaStorageSOPClassUID));
        assertEquals("ISO_IR 100", string(list, TagFromName.SpecificCharacterSet));
        assertEquals("MR", string(list, TagFromName.Modality));
        assertEquals("HEART", string(list, TagFromName.BodyPartExamined));
        assertEquals("CAP synthetic", string(list, TagFromName.Manufacturer));
        assertEquals("CAP cine MR", string(list, TagFromName.StudyDescription));
        assertEquals("SA cine slice 3", string(list, TagFromName.SeriesDescription));
        assertEquals("3", string(list, TagFromName.SeriesNumber));
        assertEquals("4", string(list, TagFromName.InstanceNumber));
        assertEquals("5", string(list, CARDIAC_NUMBER_OF_IMAGES));
        assertEquals("Synthetic^Patient1", string(list, TagFromName.PatientName));
        assertEquals("SYN0000101", string(list, TagFromName.PatientID));
        for (AttributeTag tag : List.of(TagFromName.PatientBirthDate, TagFromName.PatientSex,
                TagFromName.StudyDate, TagFromName.StudyTime, TagFromName.StudyID, TagFromName.AccessionNumber,
                TagFromName.ReferringPhysicianName, TagFromName.SliceLocation, TagFromName.TriggerTime,
                TagFromName.SliceThickness)) {
            assertFalse(string(list, tag).isEmpty(), tag.toString());
        }
        assertEquals(3, list.get(TagFromName.ImagePositionPatient).getDoubleValues().length);
        assertEquals(6, list.get(TagFromName.ImageOrientationPatient).getDoubleValues().length);
        assertEquals(2, list.get(TagFromName.PixelSpacing).getDoubleValues().length);
        assertTrue(list.get(TagFromName.TriggerTime).getSingleDoubleValueOrDefault(-1) > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRBigEndian})
    void transferSyntaxInMetaHeader(String transferSyntax) throws Exception {
        List<Path> files = SyntheticStudies.builder().imagesPerSeries(2).rows(20).columns(10)
                .transferSyntax(transferSyntax).build().writeTo(tmp);
        short[] reference = referencePixels();
        for (Path file : files) {
            AttributeList list = read(file);
            assertEquals(transferSyntax, string(list, TagFromName.TransferSyntaxUID));
            assertEquals("SYN0000101", string(list, TagFromName.PatientID));
            assertEquals(20 * 10 * 2, list.get(TagFromName.PixelData).getVL());
        }
        assertTrue(Arrays.equals(reference, read(files.get(0)).get(TagFromName.PixelData).getShortValues()),
                "same pixel values whatever the byte order");
    }

    private short[] referencePixels() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "ref");
        List<Path> files = SyntheticStudies.builder().imagesPerSeries(2).rows(20).columns(10).build().writeTo(dir);
        return read(files.get(0)).get(TagFromName.PixelData).getShortValues();
    }

    @Test
    void nonLatinPatientNameInUtf8() throws Exception {
        String name = "山田^太郎=Yamada^Taro";
        List<Path> files = SyntheticStudies.builder().specificCharacterSet("ISO_IR 192").patientName(name)
                .build().writeTo(tmp);
        AttributeList list = read(files.get(0));
        assertEquals("ISO_IR 192", string(list, TagFromName.SpecificCharacterSet));
        assertEquals(name, string(list, TagFromName.PatientName));
        assertTrue(new String(Files.readAllBytes(files.get(0)), StandardCharsets.UTF_8).contains("山田^太郎"));
    }

    @Test
    void rejectsWhatItCannotGenerate() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticStudies.builder().prefix("Sy1").build());
        assertThrows(IllegalArgumentException.class, () -> SyntheticStudies.builder().prefix("SYNX").build());
        assertThrows(IllegalArgumentException.class, () -> SyntheticStudies.builder().sessionsPerPatient(100).build());
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticStudies.builder().firstPatient(99999).patients(2).build());
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticStudies.builder().transferSyntax(TransferSyntax.JPEGBaseline).build());
        assertThrows(IllegalArgumentException.class, () -> SyntheticStudies.builder().patientName("山田^太郎").build());
    }

    @Test
    void defaults() throws Exception {
        SyntheticStudies generator = SyntheticStudies.builder().build();
        assertEquals(1, generator.imageCount());
        List<Path> files = generator.writeTo(tmp);
        assertEquals(1, files.size());
        AttributeList list = read(files.get(0));
        assertEquals(TransferSyntax.ExplicitVRLittleEndian, string(list, TagFromName.TransferSyntaxUID));
        assertEquals(256, list.get(TagFromName.Rows).getSingleIntegerValueOrDefault(0));
        assertEquals(256, list.get(TagFromName.Columns).getSingleIntegerValueOrDefault(0));
        assertEquals(256L * 256 * 2, list.get(TagFromName.PixelData).getVL());
    }

    @Test
    void commandLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SyntheticStudies.run(new String[] {"--out", tmp.toString(), "--patients", "2", "--sessions", "1",
                "--series", "2", "--images", "3", "--seed", "5", "--prefix", "CLI", "--rows", "16", "--columns", "16"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("12 files, 2 studies, "), out.toString());
        try (var stream = Files.list(tmp)) {
            assertEquals(Set.of("CLI0000101", "CLI0000201"),
                    stream.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }

        int bad = SyntheticStudies.run(new String[] {"--out", tmp.toString(), "--bogus", "1"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, bad);
    }

    private static List<String> sopInstanceUids(List<Path> files) throws IOException, DicomException {
        List<String> uids = new ArrayList<>();
        for (Path file : files) {
            uids.add(string(read(file), TagFromName.SOPInstanceUID));
        }
        return uids;
    }

    private static AttributeList read(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }

    private static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getDelimitedStringValuesOrEmptyString(list, tag).trim();
    }
}
