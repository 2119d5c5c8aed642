package org.cardiacatlas.cap.tools;

import com.pixelmed.dicom.AgeStringAttribute;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Synthetic CAP-like cine MR studies (short-axis stacks, one series per slice, one image per
 * cardiac phase) written as DICOM Part 10 files, for tests and benchmarks.
 *
 * <p>Everything is a function of the builder settings: the same settings give byte-identical
 * files. UIDs depend only on the seed, the prefix and the position of the object (patient,
 * session, series, image), so re-generating with another image size re-creates "the same"
 * instances, which is handy for testing re-sends.
 */
public final class SyntheticStudies {

    public static final String MR_IMAGE_STORAGE = SOPClass.MRImageStorage;
    public static final String MANUFACTURER = "CAP synthetic";
    public static final String STUDY_DESCRIPTION = "CAP cine MR";

    // Not in (or deprecated in) PixelMed's TagFromName.
    private static final AttributeTag SCANNING_SEQUENCE = new AttributeTag(0x0018, 0x0020);
    private static final AttributeTag SEQUENCE_VARIANT = new AttributeTag(0x0018, 0x0021);
    private static final AttributeTag SCAN_OPTIONS = new AttributeTag(0x0018, 0x0022);
    private static final AttributeTag MAGNETIC_FIELD_STRENGTH = new AttributeTag(0x0018, 0x0087);
    private static final AttributeTag HEART_RATE = new AttributeTag(0x0018, 0x1088);
    private static final AttributeTag CARDIAC_NUMBER_OF_IMAGES = new AttributeTag(0x0018, 0x1090);

    private static final Set<String> SUPPORTED_TRANSFER_SYNTAXES = Set.of(
            TransferSyntax.ExplicitVRLittleEndian,
            TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRBigEndian);

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");
    private static final LocalDate FIRST_STUDY_DATE = LocalDate.of(2010, 1, 4);

    // An oblique short-axis-like orientation with exact decimal direction cosines;
    // NORMAL = ROW x COLUMN.
    private static final double[] ROW = {0.6, 0.8, 0.0};
    private static final double[] COLUMN = {0.48, -0.36, -0.8};
    private static final double[] NORMAL = {-0.64, 0.48, -0.6};
    private static final double FIELD_OF_VIEW_MM = 360;
    private static final double SLICE_THICKNESS_MM = 8;
    private static final double SLICE_SPACING_MM = 10;

    private final String prefix;
    private final int firstPatient;
    private final int patients;
    private final int sessions;
    private final int seriesPerStudy;
    private final int imagesPerSeries;
    private final int rows;
    private final int columns;
    private final long seed;
    private final String transferSyntax;
    private final String[] characterSet;
    private final String patientNameOverride;
    private final List<StudyInfo> studies;

    public record StudyInfo(
            String patientId,
            String patientName,
            String studyInstanceUid,
            LocalDate studyDate,
            List<String> seriesInstanceUids,
            int instances,
            String accessionNumber) {

        /** The patient part of the CAP ID, e.g. "SYN00015" for "SYN0001502". */
        public String capPatient() {
            return patientId.substring(0, 8);
        }
    }

    public record Generated(List<Path> files, List<StudyInfo> studies) {

        public long totalBytes() {
            long sum = 0;
            for (Path f : files) {
                try {
                    sum += Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return sum;
        }
    }

    private SyntheticStudies(Builder b) {
        this.prefix = b.prefix;
        this.firstPatient = b.firstPatient;
        this.patients = b.patients;
        this.sessions = b.sessions;
        this.seriesPerStudy = b.seriesPerStudy;
        this.imagesPerSeries = b.imagesPerSeries;
        this.rows = b.rows;
        this.columns = b.columns;
        this.seed = b.seed;
        this.transferSyntax = b.transferSyntax;
        this.characterSet = b.characterSet.split("\\\\", -1);
        this.patientNameOverride = b.patientName;
        this.studies = describeStudies();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** E.g. capId("SYN", 15, 2) = "SYN0001502". */
    public static String capId(String prefix, int patient, int session) {
        return String.format("%s%05d%02d", prefix, patient, session);
    }

    /** What {@link #writeTo} writes, without writing it. */
    public List<StudyInfo> studies() {
        return studies;
    }

    public int imageCount() {
        return patients * sessions * seriesPerStudy * imagesPerSeries;
    }

    public String transferSyntax() {
        return transferSyntax;
    }

    /** Files in order patient, session, series, image; one sub-folder per study named by CAP ID. */
    public List<Path> writeTo(Path dir) throws IOException {
        return generate(dir).files();
    }

    public Generated generate(Path dir) throws IOException {
        List<Instance> instances = new ArrayList<>(imageCount());
        for (StudyInfo study : studies) {
            Files.createDirectories(dir.resolve(study.patientId()));
            for (int k = 0; k < seriesPerStudy; k++) {
                for (int i = 0; i < imagesPerSeries; i++) {
                    Path file = dir.resolve(study.patientId())
                            .resolve(String.format("series%03d_image%04d.dcm", k + 1, i + 1));
                    instances.add(new Instance(study, k, i, file));
                }
            }
        }
        // Each file depends only on its own position, so the order of writing does not matter.
        try {
            IntStream.range(0, instances.size()).parallel().forEach(n -> write(instances.get(n)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Generated(instances.stream().map(Instance::file).toList(), studies);
    }

    private record Instance(StudyInfo study, int series, int image, Path file) {
    }

    private List<StudyInfo> describeStudies() {
        List<StudyInfo> result = new ArrayList<>(patients * sessions);
        for (int p = firstPatient; p < firstPatient + patients; p++) {
            for (int s = 1; s <= sessions; s++) {
                List<String> series = new ArrayList<>(seriesPerStudy);
                for (int k = 1; k <= seriesPerStudy; k++) {
                    series.add(uid("series", p, s, k));
                }
                String id = capId(prefix, p, s);
                result.add(new StudyInfo(id, patientName(p), uid("study", p, s), studyDate(p, s),
                        List.copyOf(series), seriesPerStudy * imagesPerSeries, "A" + id));
            }
        }
        return List.copyOf(result);
    }

    private String patientName(int patient) {
        return patientNameOverride != null ? patientNameOverride : "Synthetic^Patient" + patient;
    }

    private static LocalDate studyDate(int patient, int session) {
        return FIRST_STUDY_DATE.plusDays((patient * 37L) % 365).plusYears(session - 1);
    }

    private static LocalDate birthDate(int patient) {
        return LocalDate.of(1940, 1, 1).plusYears((patient * 7L) % 45).plusDays((patient * 53L) % 365);
    }

    private static LocalTime studyTime(int patient) {
        return LocalTime.of(8, 0).plusMinutes((patient * 17L) % 540);
    }

    /**
     * A 2.25 UID (PS3.5 B.2) from a name-based UUID of seed, prefix and position: at most 44
     * characters, no leading zeros.
     */
    private String uid(String kind, int... position) {
        StringBuilder name = new StringBuilder("cap-synthetic/").append(seed).append('/').append(prefix)
                .append('/').append(kind);
        for (int x : position) {
            name.append('/').append(x);
        }
        UUID u = UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8));
        BigInteger value = new BigInteger(Long.toUnsignedString(u.getMostSignificantBits()))
                .shiftLeft(64).or(new BigInteger(Long.toUnsignedString(u.getLeastSignificantBits())));
        return "2.25." + value;
    }

    private void write(Instance in) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(in.file()), 1 << 16)) {
            attributes(in).write(out, transferSyntax, true, false, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DicomException e) {
            throw new UncheckedIOException(new IOException(in.file() + ": " + e.getMessage(), e));
        }
    }

    private AttributeList attributes(Instance in) throws DicomException {
        StudyInfo study = in.study();
        String id = study.patientId();
        int patient = Integer.parseInt(id.substring(3, 8));
        int session = Integer.parseInt(id.substring(8, 10));
        int seriesNumber = in.series() + 1;
        int instanceNumber = in.image() + 1;
        SpecificCharacterSet cs = new SpecificCharacterSet(characterSet);
        LocalDate birth = birthDate(patient);
        LocalTime time = studyTime(patient);
        LocalTime seriesTime = time.plusMinutes(2L * seriesNumber);
        int rrMillis = 800 + 50 * (patient % 5);

        AttributeList list = new AttributeList();
        put(list, new CodeStringAttribute(TagFromName.SpecificCharacterSet), characterSet);
        put(list, new CodeStringAttribute(TagFromName.ImageType), "ORIGINAL", "PRIMARY", "M", "NONE");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), MR_IMAGE_STORAGE);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID),
                uid("image", patient, session, seriesNumber, instanceNumber));
        put(list, new DateAttribute(TagFromName.StudyDate), study.studyDate().format(DA));
        put(list, new DateAttribute(TagFromName.SeriesDate), study.studyDate().format(DA));
        put(list, new DateAttribute(TagFromName.ContentDate), study.studyDate().format(DA));
        put(list, new TimeAttribute(TagFromName.StudyTime), time.format(TM));
        put(list, new TimeAttribute(TagFromName.SeriesTime), seriesTime.format(TM));
        put(list, new TimeAttribute(TagFromName.ContentTime), seriesTime.format(TM));
        put(list, new ShortStringAttribute(TagFromName.AccessionNumber, cs), study.accessionNumber());
        put(list, new CodeStringAttribute(TagFromName.Modality), "MR");
        put(list, new LongStringAttribute(TagFromName.Manufacturer, cs), MANUFACTURER);
        put(list, new PersonNameAttribute(TagFromName.ReferringPhysicianName, cs), "Referring^Synthetic");
        put(list, new LongStringAttribute(TagFromName.StudyDescription, cs), STUDY_DESCRIPTION);
        put(list, new LongStringAttribute(TagFromName.SeriesDescription, cs), "SA cine slice " + seriesNumber);
        put(list, new PersonNameAttribute(TagFromName.PatientName, cs), study.patientName());
        put(list, new LongStringAttribute(TagFromName.PatientID, cs), id);
        put(list, new DateAttribute(TagFromName.PatientBirthDate), birth.format(DA));
        put(list, new CodeStringAttribute(TagFromName.PatientSex), patient % 2 == 0 ? "F" : "M");
        put(list, new AgeStringAttribute(TagFromName.PatientAge),
                String.format("%03dY", Period.between(birth, study.studyDate()).getYears()));
        put(list, new CodeStringAttribute(TagFromName.BodyPartExamined), "HEART");
        put(list, new CodeStringAttribute(SCANNING_SEQUENCE), "GR");
        put(list, new CodeStringAttribute(SEQUENCE_VARIANT), "SS");
        put(list, new CodeStringAttribute(SCAN_OPTIONS));
        put(list, new CodeStringAttribute(TagFromName.MRAcquisitionType), "2D");
        put(list, new DecimalStringAttribute(TagFromName.SliceThickness), ds(SLICE_THICKNESS_MM));
        put(list, new DecimalStringAttribute(TagFromName.RepetitionTime), "3.2");
        put(list, new DecimalStringAttribute(TagFromName.EchoTime), "1.6");
        put(list, new ShortStringAttribute(TagFromName.ImagedNucleus, cs), "1H");
        put(list, new DecimalStringAttribute(MAGNETIC_FIELD_STRENGTH), "1.5");
        put(list, new DecimalStringAttribute(TagFromName.SpacingBetweenSlices), ds(SLICE_SPACING_MM));
        put(list, new IntegerStringAttribute(TagFromName.EchoTrainLength), "1");
        put(list, new DecimalStringAttribute(TagFromName.TriggerTime),
                ds((double) in.image() * rrMillis / imagesPerSeries));
        put(list, new IntegerStringAttribute(HEART_RATE), String.valueOf(60000 / rrMillis));
        put(list, new IntegerStringAttribute(CARDIAC_NUMBER_OF_IMAGES), String.valueOf(imagesPerSeries));
        put(list, new CodeStringAttribute(TagFromName.PatientPosition), "HFS");
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), study.studyInstanceUid());
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID),
                study.seriesInstanceUids().get(in.series()));
        put(list, new ShortStringAttribute(TagFromName.StudyID, cs), id);
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), String.valueOf(seriesNumber));
        put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), String.valueOf(instanceNumber));
        addGeometry(list, in.series());
        put(list, new UniqueIdentifierAttribute(TagFromName.FrameOfReferenceUID), uid("frame", patient, session));
        put(list, new LongStringAttribute(TagFromName.PositionReferenceIndicator, cs));
        put(list, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), "1");
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
        put(list, new UnsignedShortAttribute(TagFromName.Rows), String.valueOf(rows));
        put(list, new UnsignedShortAttribute(TagFromName.Columns), String.valueOf(columns));
        put(list, new UnsignedShortAttribute(TagFromName.BitsAllocated), "16");
        put(list, new UnsignedShortAttribute(TagFromName.BitsStored), "12");
        put(list, new UnsignedShortAttribute(TagFromName.HighBit), "11");
        put(list, new UnsignedShortAttribute(TagFromName.PixelRepresentation), "0");
        put(list, new DecimalStringAttribute(TagFromName.WindowCenter), "700");
        put(list, new DecimalStringAttribute(TagFromName.WindowWidth), "1600");
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(pixels(patient, session, in.series(), in.image()));
        list.put(pixels);

        FileMetaInformation.addFileMetaInformation(list, transferSyntax, "CAPSYNTHETIC");
        return list;
    }

    private void addGeometry(AttributeList list, int series) throws DicomException {
        double spacing = FIELD_OF_VIEW_MM / Math.max(rows, columns);
        // Centre the stack on the origin, series 0 at the base.
        double sliceOffset = (series - (seriesPerStudy - 1) / 2.0) * SLICE_SPACING_MM;
        String[] position = new String[3];
        for (int a = 0; a < 3; a++) {
            position[a] = ds(-columns / 2.0 * spacing * ROW[a] - rows / 2.0 * spacing * COLUMN[a]
                    + sliceOffset * NORMAL[a]);
        }
        put(list, new DecimalStringAttribute(TagFromName.ImagePositionPatient), position);
        put(list, new DecimalStringAttribute(TagFromName.ImageOrientationPatient),
                ds(ROW[0]), ds(ROW[1]), ds(ROW[2]), ds(COLUMN[0]), ds(COLUMN[1]), ds(COLUMN[2]));
        put(list, new DecimalStringAttribute(TagFromName.SliceLocation), ds(sliceOffset));
        put(list, new DecimalStringAttribute(TagFromName.PixelSpacing), ds(spacing), ds(spacing));
    }

    /**
     * A body, a myocardial ring and a bright blood pool that contracts towards mid-cycle and
     * shrinks towards the apex, plus noise so the data does not compress to nothing.
     */
    private short[] pixels(int patient, int session, int series, int image) {
        double contraction = (1 - Math.cos(2 * Math.PI * image / imagesPerSeries)) / 2;
        double size = (1 - 0.35 * contraction) * (1 - 0.6 * series / Math.max(1, seriesPerStudy));
        double cx = columns * (0.5 + 0.02 * (patient % 3));
        double cy = rows * 0.5;
        double poolA = 0.12 * columns * size;
        double poolB = 0.10 * rows * size;
        double wall = 0.035 * Math.max(rows, columns) * (1 + 0.4 * contraction);
        double wallA = poolA + wall;
        double wallB = poolB + wall;
        double bodyA = 0.45 * columns;
        double bodyB = 0.38 * rows;

        SplittableRandom random = new SplittableRandom(mix(seed, patient, session, series, image));
        short[] values = new short[rows * columns];
        long bits = 0;
        int bitsLeft = 0;
        int n = 0;
        for (int y = 0; y < rows; y++) {
            double dy = y + 0.5 - cy;
            double poolY = dy * dy / (poolB * poolB);
            double wallY = dy * dy / (wallB * wallB);
            double bodyY = dy * dy / (bodyB * bodyB);
            for (int x = 0; x < columns; x++) {
                double dx = x + 0.5 - cx;
                double dx2 = dx * dx;
                int base;
                if (dx2 / (poolA * poolA) + poolY <= 1) {
                    base = 1400;
                } else if (dx2 / (wallA * wallA) + wallY <= 1) {
                    base = 450;
                } else if (dx2 / (bodyA * bodyA) + bodyY <= 1) {
                    base = 250;
                } else {
                    base = 64;
                }
                if (bitsLeft == 0) {
                    bits = random.nextLong();
                    bitsLeft = 8;
                }
                int noise = (int) (bits & 0x7F) - 64;
                bits >>>= 8;
                bitsLeft--;
                values[n++] = (short) (base + noise);
            }
        }
        return values;
    }

    private static long mix(long seed, int... position) {
        long h = seed ^ 0x5DEECE66DL;
        for (int x : position) {
            h = (h ^ x) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 31;
        }
        return h;
    }

    /** DS: at most 16 characters; six decimals are plenty for millimetres and cosines. */
    private static String ds(double v) {
        double rounded = Math.round(v * 1e6) / 1e6;
        if (rounded == 0) {
            return "0";
        }
        return BigDecimal.valueOf(rounded).stripTrailingZeros().toPlainString();
    }

    private static void put(AttributeList list, Attribute a, String... values) throws DicomException {
        for (String v : values) {
            a.addValue(v);
        }
        list.put(a);
    }

    public static final class Builder {
        private String prefix = "SYN";
        private int firstPatient = 1;
        private int patients = 1;
        private int sessions = 1;
        private int seriesPerStudy = 1;
        private int imagesPerSeries = 1;
        private int rows = 256;
        private int columns = 256;
        private long seed = 1;
        private String transferSyntax = TransferSyntax.ExplicitVRLittleEndian;
        private String characterSet = "ISO_IR 100";
        private String patientName;

        private Builder() {
        }

        /** Three upper-case letters, the start of every CAP ID. */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** Number of the first patient (default 1); patients are numbered consecutively. */
        public Builder firstPatient(int firstPatient) {
            this.firstPatient = firstPatient;
            return this;
        }

        public Builder patients(int patients) {
            this.patients = patients;
            return this;
        }

        public Builder sessionsPerPatient(int sessions) {
            this.sessions = sessions;
            return this;
        }

        /** Short-axis slices: one series each. */
        public Builder seriesPerStudy(int seriesPerStudy) {
            this.seriesPerStudy = seriesPerStudy;
            return this;
        }

        /** Cine phases: one image each. */
        public Builder imagesPerSeries(int imagesPerSeries) {
            this.imagesPerSeries = imagesPerSeries;
            return this;
        }

        public Builder rows(int rows) {
            this.rows = rows;
            return this;
        }

        public Builder columns(int columns) {
            this.columns = columns;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Explicit VR Little Endian (default), Implicit VR Little Endian or Explicit VR Big Endian. */
        public Builder transferSyntax(String transferSyntaxUid) {
            this.transferSyntax = transferSyntaxUid;
            return this;
        }

        /** Value of Specific Character Set, backslash-separated if multi-valued; default "ISO_IR 100". */
        public Builder specificCharacterSet(String characterSet) {
            this.characterSet = characterSet;
            return this;
        }

        /** The same Patient's Name for every patient, e.g. a non-Latin one with "ISO_IR 192". */
        public Builder patientName(String patientName) {
            this.patientName = patientName;
            return this;
        }

        public SyntheticStudies build() {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("prefix must be 3 upper-case letters: " + prefix);
            }
            require(patients >= 1, "patients must be at least 1");
            require(firstPatient >= 0 && (long) firstPatient + patients - 1 <= 99999,
                    "patient numbers must fit in 5 digits");
            require(sessions >= 1 && sessions <= 99, "sessions per patient must be 1..99");
            require(seriesPerStudy >= 1, "series per study must be at least 1");
            require(imagesPerSeries >= 1, "images per series must be at least 1");
            require(rows >= 1 && rows <= 65535 && columns >= 1 && columns <= 65535,
                    "rows and columns must be 1..65535");
            require((long) rows * columns * 2 < 0xFFFFFFFEL, "image too large for one Pixel Data element");
            require(SUPPORTED_TRANSFER_SYNTAXES.contains(transferSyntax),
                    "unsupported transfer syntax " + transferSyntax);
            Objects.requireNonNull(characterSet, "specificCharacterSet");
            if (patientName != null) {
                requireEncodable(patientName, characterSet);
            }
            return new SyntheticStudies(this);
        }

        private static void requireEncodable(String name, String characterSet) {
            // PixelMed silently writes '?' for characters the character set lacks.
            SpecificCharacterSet cs = new SpecificCharacterSet(characterSet.split("\\\\", -1));
            try {
                byte[] bytes = cs.translateStringToByteArray(name);
                require(name.equals(cs.translateByteArrayToString(bytes, 0, bytes.length)),
                        "patient name cannot be encoded in " + characterSet + ": " + name);
            } catch (UnsupportedEncodingException e) {
                throw new IllegalArgumentException("unsupported character set " + characterSet, e);
            }
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    private static final String USAGE = "usage: SyntheticStudies --out DIR [--patients N] [--sessions N]"
            + " [--series N] [--images N] [--seed S] [--prefix XYZ] [--first-patient N]"
            + " [--rows R] [--columns C] [--transfer-syntax explicit|implicit|bigendian|UID]";

    private static final Map<String, String> TRANSFER_SYNTAX_NAMES = Map.of(
            "explicit", TransferSyntax.ExplicitVRLittleEndian,
            "implicit", TransferSyntax.ImplicitVRLittleEndian,
            "bigendian", TransferSyntax.ExplicitVRBigEndian);

    private static final Set<String> OPTIONS = Set.of("--out", "--patients", "--sessions", "--series",
            "--images", "--seed", "--prefix", "--first-patient", "--rows", "--columns", "--transfer-syntax");

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Builder builder = builder();
        Path dir = null;
        try {
            for (int a = 0; a < args.length; a++) {
                String option = args[a];
                if (option.equals("-h") || option.equals("--help")) {
                    out.println(USAGE);
                    return 0;
                }
                if (!OPTIONS.contains(option)) {
                    throw new IllegalArgumentException("unknown option " + option);
                }
                if (a + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + option);
                }
                String value = args[++a];
                switch (option) {
                    case "--out" -> dir = Path.of(value);
                    case "--patients" -> builder.patients(Integer.parseInt(value));
                    case "--sessions" -> builder.sessionsPerPatient(Integer.parseInt(value));
                    case "--series" -> builder.seriesPerStudy(Integer.parseInt(value));
                    case "--images" -> builder.imagesPerSeries(Integer.parseInt(value));
                    case "--seed" -> builder.seed(Long.parseLong(value));
                    case "--prefix" -> builder.prefix(value);
                    case "--first-patient" -> builder.firstPatient(Integer.parseInt(value));
                    case "--rows" -> builder.rows(Integer.parseInt(value));
                    case "--columns" -> builder.columns(Integer.parseInt(value));
                    case "--transfer-syntax" -> builder.transferSyntax(
                            TRANSFER_SYNTAX_NAMES.getOrDefault(value.toLowerCase(), value));
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (dir == null) {
                throw new IllegalArgumentException("--out is required");
            }
            SyntheticStudies generator = builder.build();
            long start = System.nanoTime();
            Generated generated = generator.generate(dir);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("%d files, %d studies, %d bytes in %s (%.1f s)%n", generated.files().size(),
                    generated.studies().size(), generated.totalBytes(), dir, seconds);
            return 0;
        } catch (IllegalArgumentException e) {
            // NumberFormatException included
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("failed: " + e.getMessage());
            return 1;
        }
    }
}
