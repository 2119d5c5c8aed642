package org.cardiacatlas.cap.bench;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.cardiacatlas.cap.query.InformationModel;
import org.cardiacatlas.cap.store.PacsIndex;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.store.StoredInstance;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;

/**
 * bin/bench-find's helper, not part of the node: {@code fill} puts generated studies into a
 * running server's database through the index unit (PacsIndex, as a C-STORE would, without
 * files), {@code keys} prints the keys of the benchmark's queries, {@code explain} the plans of
 * those queries. Everything is a function of the study number, so the keys are known without
 * reading the database.
 */
public final class FindBench {

    static final String[] FAMILY = {"SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS",
        "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE",
        "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ", "LEWIS",
        "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT", "SCOTT", "TORRES", "NGUYEN", "HILL", "FLORES",
        "GREEN", "ADAMS", "NELSON", "BAKER", "HALL", "RIVERA", "CAMPBELL", "MITCHELL", "CARTER", "ROBERTS", "GOMEZ",
        "PHILLIPS", "EVANS", "TURNER", "DIAZ", "PARKER", "CRUZ", "EDWARDS", "COLLINS", "REYES", "STEWART", "MORRIS",
        "MORALES", "MURPHY", "COOK", "ROGERS", "GUTIERREZ", "ORTIZ", "MORGAN", "COOPER", "PETERSON", "BAILEY",
        "REED", "KELLY", "HOWARD", "RAMOS", "KIM", "COX", "WARD", "RICHARDSON", "WATSON", "BROOKS", "CHAVEZ", "WOOD",
        "JAMES", "BENNETT", "GRAY", "MENDOZA", "RUIZ", "HUGHES", "PRICE", "ALVAREZ", "CASTILLO", "SANDERS", "PATEL",
        "MYERS", "LONG", "ROSS", "FOSTER", "JIMENEZ"};
    static final String[] GIVEN = {"JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA",
        "DAVID", "ELIZABETH", "WILLIAM", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA"};
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final LocalDate FIRST = LocalDate.of(2010, 1, 1);

    private FindBench() {
    }

    public static void main(String[] args) throws Exception {
        CapConfig config = CapConfig.load(args, System.getenv());
        List<String> a = config.arguments();
        if (a.isEmpty()) {
            System.err.println("usage: FindBench fill|keys|explain --db-url URL --storage-dir DIR "
                    + "[studies series images threads]");
            System.exit(2);
        }
        int studies = a.size() > 1 ? Integer.parseInt(a.get(1)) : 5000;
        int series = a.size() > 2 ? Integer.parseInt(a.get(2)) : 4;
        int images = a.size() > 3 ? Integer.parseInt(a.get(3)) : 5;
        int threads = a.size() > 4 ? Integer.parseInt(a.get(4)) : 4;
        switch (a.get(0)) {
            case "fill" -> fill(config, studies, series, images, threads);
            case "keys" -> keys(studies);
            case "explain" -> explain(config, studies);
            default -> throw new IllegalArgumentException("unknown command " + a.get(0));
        }
    }

    /** Study k belongs to patient k / 2; names repeat every 100 patients, dates spread over ten years. */
    static String patientId(int study) {
        return String.format("BEN%07d", study / 2);
    }

    static String patientName(int study) {
        int p = study / 2;
        return FAMILY[p % FAMILY.length] + "^" + GIVEN[(p / FAMILY.length) % GIVEN.length];
    }

    static LocalDate studyDate(int study) {
        return FIRST.plusDays((study * 7919L) % 3652);
    }

    static String uid(String kind, int... n) {
        StringBuilder sb = new StringBuilder("1.2.826.0.1.3680043.10.1188.");
        sb.append(switch (kind) {
            case "study" -> 1;
            case "series" -> 2;
            default -> 3;
        });
        for (int x : n) {
            sb.append('.').append(x + 1);
        }
        return sb.toString();
    }

    /** The keys bin/bench-find queries with, chosen in the middle of the archive. */
    static void keys(int studies) {
        int k = studies / 2 + 1;
        System.out.println("PATIENT_ID=" + patientId(k));
        System.out.println("STUDY_UID=" + uid("study", k));
        System.out.println("SERIES_UID=" + uid("series", k, 0));
        String family = FAMILY[(k / 2) % FAMILY.length];
        System.out.println("NAME_PREFIX=" + family.substring(0, 3) + "*");
        int year = studyDate(k).getYear();
        System.out.println("DATE_RANGE=" + year + "0101-" + year + "1231");
    }

    private static void fill(CapConfig config, int studies, int series, int images, int threads) throws Exception {
        List<Class<?>> mappers = new ArrayList<>(PacsIndex.mappers());
        mappers.addAll(PacsQuery.mappers());
        mappers.addAll(org.cardiacatlas.cap.xpacs.XpacsSync.mappers());
        try (Database db = Database.open(config, mappers)) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                // the benchmark's data need not survive a crash of the machine
                s.execute("SET GLOBAL innodb_flush_log_at_trx_commit = 2");
            }
            PacsIndex index = new PacsIndex(db.sessions(), config.aet(), config.storageDir().toString(),
                    new org.cardiacatlas.cap.xpacs.XpacsSync(config.get(CapConfig.Option.CAP_ID_PATTERN)));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicLong done = new AtomicLong();
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    for (int k = first; k < studies; k += threads) {
                        for (int se = 0; se < series; se++) {
                            for (int im = 0; im < images; im++) {
                                index.store(instance(k, se, im, series, images), () -> { });
                                long n = done.incrementAndGet();
                                if (n % 20000 == 0) {
                                    System.out.printf("  %d instances (%.0f s)%n", n, (System.nanoTime() - t0) / 1e9);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
                String pacs = config.pacsSchema();
                // fresh statistics, as a long-running archive has them
                s.execute("ANALYZE TABLE " + pacs + ".patient, " + pacs + ".study, " + pacs + ".series, "
                        + pacs + ".instance");
            }
            System.out.printf("filled %d studies, %d instances in %.0f s%n", studies, done.get(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static StoredInstance instance(int k, int se, int im, int series, int images) throws DicomException {
        SpecificCharacterSet cs = new SpecificCharacterSet(new String[] {"ISO_IR 100"});
        AttributeList l = new AttributeList();
        String study = uid("study", k);
        String ser = uid("series", k, se);
        String sop = uid("image", k, se, im);
        LocalDate date = studyDate(k);
        put(l, TagFromName.SpecificCharacterSet, cs, "ISO_IR 100");
        put(l, TagFromName.ImageType, cs, "ORIGINAL", "PRIMARY", "M", "NONE");
        put(l, TagFromName.SOPClassUID, cs, SOPClass.MRImageStorage);
        put(l, TagFromName.SOPInstanceUID, cs, sop);
        put(l, TagFromName.StudyDate, cs, date.format(DA));
        put(l, TagFromName.SeriesDate, cs, date.format(DA));
        put(l, TagFromName.ContentDate, cs, date.format(DA));
        put(l, TagFromName.StudyTime, cs, String.format("%02d%02d00", 8 + k % 10, k % 60));
        put(l, TagFromName.SeriesTime, cs, String.format("%02d%02d00", 8 + k % 10, (k + se) % 60));
        put(l, TagFromName.AccessionNumber, cs, String.format("ACC%07d", k));
        put(l, TagFromName.Modality, cs, "MR");
        put(l, TagFromName.Manufacturer, cs, "CAP bench");
        put(l, TagFromName.InstitutionName, cs, "Bench Hospital " + k % 7);
        put(l, TagFromName.ReferringPhysicianName, cs, "REFERRER^" + GIVEN[k % GIVEN.length]);
        put(l, TagFromName.StudyDescription, cs, "CAP cine MR");
        put(l, TagFromName.SeriesDescription, cs, "SA cine slice " + (se + 1));
        put(l, TagFromName.PatientName, cs, patientName(k));
        put(l, TagFromName.PatientID, cs, patientId(k));
        put(l, TagFromName.PatientBirthDate, cs, LocalDate.of(1940, 1, 1).plusDays(k / 2 * 97L % 18000).format(DA));
        put(l, TagFromName.PatientSex, cs, k / 2 % 2 == 0 ? "F" : "M");
        put(l, TagFromName.PatientAge, cs, String.format("%03dY", 20 + k % 60));
        put(l, TagFromName.BodyPartExamined, cs, "HEART");
        put(l, TagFromName.SliceThickness, cs, "8");
        put(l, TagFromName.RepetitionTime, cs, "3.2");
        put(l, TagFromName.EchoTime, cs, "1.6");
        put(l, TagFromName.TriggerTime, cs, Integer.toString(im * 800 / images));
        put(l, TagFromName.StudyInstanceUID, cs, study);
        put(l, TagFromName.SeriesInstanceUID, cs, ser);
        put(l, TagFromName.StudyID, cs, String.format("S%07d", k));
        put(l, TagFromName.SeriesNumber, cs, Integer.toString(se + 1));
        put(l, TagFromName.InstanceNumber, cs, Integer.toString(im + 1));
        put(l, TagFromName.ImagePositionPatient, cs, "-100", "-100", Integer.toString(10 * se));
        put(l, TagFromName.ImageOrientationPatient, cs, "1", "0", "0", "0", "1", "0");
        put(l, TagFromName.FrameOfReferenceUID, cs, uid("frame", k));
        put(l, TagFromName.SliceLocation, cs, Integer.toString(10 * se));
        put(l, TagFromName.SamplesPerPixel, cs, "1");
        put(l, TagFromName.PhotometricInterpretation, cs, "MONOCHROME2");
        put(l, TagFromName.Rows, cs, "256");
        put(l, TagFromName.Columns, cs, "256");
        put(l, TagFromName.PixelSpacing, cs, "1.40625", "1.40625");
        put(l, TagFromName.BitsAllocated, cs, "16");
        put(l, TagFromName.BitsStored, cs, "12");
        put(l, TagFromName.HighBit, cs, "11");
        put(l, TagFromName.PixelRepresentation, cs, "0");
        String path = "bench/" + study + "/" + ser + "/" + sop + ".dcm";
        return new StoredInstance(l, study, ser, sop, SOPClass.MRImageStorage, "BENCH", path,
                TransferSyntax.ExplicitVRLittleEndian, "00000000000000000000000000000000", 0);
    }

    private static void put(AttributeList l, AttributeTag t, SpecificCharacterSet cs, String... values)
            throws DicomException {
        byte[] vr = AttributeList.getDictionary().getValueRepresentationFromTag(t);
        Attribute a = AttributeFactory.newAttribute(t, vr, cs);
        for (String v : values) {
            a.addValue(v);
        }
        l.put(a);
    }

    /** The plans of the benchmark's queries on this database. */
    private static void explain(CapConfig config, int studies) throws Exception {
        int k = studies / 2 + 1;
        String family = FAMILY[(k / 2) % FAMILY.length];
        int year = studyDate(k).getYear();
        List<Class<?>> mappers = new ArrayList<>(PacsIndex.mappers());
        mappers.addAll(PacsQuery.mappers());
        try (Database db = Database.open(config, mappers)) {
            PacsQuery q = new PacsQuery(db.sessions(), config.aet(), 0, false);
            String[][] queries = {
                {"study by Patient ID", "STUDY", "PatientID", patientId(k)},
                {"studies by name prefix and date range", "STUDY", "PatientName", family.substring(0, 3) + "*",
                    "StudyDate", year + "0101-" + year + "1231"},
                {"series of one study", "SERIES", "StudyInstanceUID", uid("study", k)},
                {"images of one series", "IMAGE", "StudyInstanceUID", uid("study", k), "SeriesInstanceUID",
                    uid("series", k, 0)},
            };
            for (String[] query : queries) {
                AttributeList id = new AttributeList();
                put(id, TagFromName.QueryRetrieveLevel, null, query[1]);
                for (int i = 2; i + 1 < query.length; i += 2) {
                    put(id, AttributeList.getDictionary().getTagFromName(query[i]), null, query[i + 1]);
                }
                System.out.println(query[0] + ":");
                for (String line : q.explain(InformationModel.STUDY_ROOT, id)) {
                    System.out.println("    " + line);
                }
            }
        }
    }
}
