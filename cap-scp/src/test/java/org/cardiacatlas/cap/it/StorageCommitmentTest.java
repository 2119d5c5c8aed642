package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.SOPClass;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Storage Commitment Push Model SCP (PS3.4 Annex J), driven by the tests' own PixelMed-based
 * SCU ({@link StgCmtScu}): reports on a new association and on the request's own, each failure
 * reason, a requester that is down and comes back, a restart of the node between request and
 * report, and a report that expires.
 */
class StorageCommitmentTest {

    static final AtomicInteger TX = new AtomicInteger();
    static ServerFixture server;
    static StgCmtScu.Receiver scu1;
    static List<String[]> refs = new ArrayList<>();
    static Path gen = Path.of("target", "it", "gen-stgcmt").toAbsolutePath();

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(Map.of(Option.STGCMT_RETRY, "1"));
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("STC").seriesPerStudy(1).imagesPerSeries(4)
                .seed(1501).build().generate(gen);
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
        for (Path p : g.files()) {
            refs.add(new String[] {SOPClass.MRImageStorage, CStoreTest.sopOf(p)});
        }
        scu1 = receiver("SCU1");
    }

    @AfterAll
    static void stop() throws Exception {
        scu1.close();
        server.close();
    }

    static StgCmtScu.Receiver receiver(String aet) throws Exception {
        StgCmtScu.Receiver r = new StgCmtScu.Receiver(aet, TestDatabase.freePort());
        register(aet, r.port);
        return r;
    }

    static void register(String aet, int port) {
        Object[] add = XpacsTest.cli(server, "ae", "add", aet, "127.0.0.1", String.valueOf(port));
        assertEquals(0, add[0], (String) add[1]);
    }

    static String tx() {
        return "2.25.1515" + System.nanoTime() % 1_000_000_000L + TX.incrementAndGet();
    }

    @Test
    void allCommittedReportOnNewAssociation() throws Exception {
        String tx = tx();
        StgCmtScu.Outcome o = StgCmtScu.request(server.port(), "CAPSCP", "SCU1", tx, refs, false);
        assertEquals(0, o.actionStatus());
        StgCmtScu.Report r = scu1.next(20);
        assertNotNull(r, "no report arrived");
        assertEquals(tx, r.transactionUid());
        assertEquals(1, r.eventType());
        assertEquals(refs.size(), r.committed().size());
        assertTrue(r.failed().isEmpty());
        assertEquals("CAPSCP", r.callingAet());
        assertEquals("CAPSCP", r.retrieveAet());
        for (String[] ref : refs) {
            Object c = server.rows("SELECT commitment AS c FROM {pacs}.instance WHERE sop_iuid = ?", ref[1]).get(0).get("c");
            assertTrue(Boolean.TRUE.equals(c) || (c instanceof Number n && n.intValue() == 1), String.valueOf(c));
            assertNotNull(server.rows("SELECT f.md5_check_time AS t FROM {pacs}.files f JOIN {pacs}.instance i "
                    + "ON i.pk = f.instance_fk WHERE i.sop_iuid = ?", ref[1]).get(0).get("t"));
        }
        BadInputTest.waitForLong(() -> server.rows("SELECT pk FROM {pacs}.stgcmt_pending WHERE transaction_uid = ?", tx)
                .isEmpty(), 10);
        // both the request and the report are audit records that capserver log finds
        BadInputTest.waitForLong(() -> auditLines(tx).size() >= 2, 10);
        List<String> lines = auditLines(tx);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"kind\":\"request\"") && l.contains("\"instances\":4")
                && l.contains("\"status\":\"0000\"")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"kind\":\"report\"") && l.contains("\"committed\":4")
                && l.contains("\"failed\":0") && l.contains("\"via\":\"new association\"")), lines.toString());
    }

    /** capserver log --op STGCMT --json, the lines of one transaction. */
    static List<String> auditLines(String tx) {
        Object[] out = Cli.run("log", "--op", "STGCMT", "--json", "--log-dir",
                Path.of("target", "it").toAbsolutePath().toString());
        assertEquals(0, out[0]);
        return ((String) out[1]).lines().filter(l -> l.contains(tx)).toList();
    }

    @Test
    void reportOnTheSameAssociationWhenTheRoleWasNegotiated() throws Exception {
        String tx = tx();
        StgCmtScu.Outcome o = StgCmtScu.request(server.port(), "CAPSCP", "SCU1", tx, refs, true);
        assertEquals(0, o.actionStatus());
        assertNotNull(o.report());
        assertTrue(o.report().sameAssociation());
        assertEquals(tx, o.report().transactionUid());
        assertEquals(1, o.report().eventType());
        assertEquals(refs.size(), o.report().committed().size());
        assertNull(scu1.next(1), "the report came twice");
        BadInputTest.waitForLong(() -> auditLines(tx).stream().anyMatch(l -> l.contains("same association")
                && l.contains("\"kind\":\"report\"")), 10);
    }

    @Test
    void unknownInstanceFailsWith0112() throws Exception {
        List<String[]> r = new ArrayList<>(refs);
        r.add(new String[] {SOPClass.MRImageStorage, "2.25.999999999999"});
        StgCmtScu.Report report = requestAndWait(r);
        assertEquals(2, report.eventType());
        assertEquals(refs.size(), report.committed().size());
        assertEquals(Map.of("2.25.999999999999", 0x0112), report.failed());
    }

    @Test
    void classInstanceConflictFailsWith0119() throws Exception {
        List<String[]> r = new ArrayList<>(refs.subList(1, refs.size()));
        r.add(new String[] {SOPClass.CTImageStorage, refs.get(0)[1]});
        StgCmtScu.Report report = requestAndWait(r);
        assertEquals(2, report.eventType());
        assertEquals(refs.size() - 1, report.committed().size());
        assertEquals(Map.of(refs.get(0)[1], 0x0119), report.failed());
    }

    @Test
    void damagedFileFailsWith0110() throws Exception {
        String sop = refs.get(1)[1];
        Map<String, Object> f = server.rows("SELECT f.filepath AS p FROM {pacs}.files f JOIN {pacs}.instance i "
                + "ON i.pk = f.instance_fk WHERE i.sop_iuid = ?", sop).get(0);
        Path file = server.storage.resolve((String) f.get("p"));
        byte old;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            // a byte of the pixel data, same size: only the MD5 can tell
            raf.seek(raf.length() - 100);
            old = raf.readByte();
            raf.seek(raf.length() - 100);
            raf.writeByte(old ^ 0x5a);
        }
        try (LogCapture log = new LogCapture()) {
            StgCmtScu.Report report = requestAndWait(refs);
            assertEquals(2, report.eventType());
            assertEquals(Map.of(sop, 0x0110), report.failed());
            assertEquals(refs.size() - 1, report.committed().size());
            assertFalse(log.matching("WARN", "is damaged").isEmpty(), log.lines().toString());
        } finally {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.seek(raf.length() - 100);
                raf.writeByte(old);
            }
        }
        // a missing file is a processing failure too
        Path moved = file.resolveSibling("moved.tmp");
        java.nio.file.Files.move(file, moved);
        try {
            assertEquals(Map.of(sop, 0x0110), requestAndWait(refs).failed());
        } finally {
            java.nio.file.Files.move(moved, file);
        }
    }

    static StgCmtScu.Report requestAndWait(List<String[]> r) throws Exception {
        String tx = tx();
        StgCmtScu.Outcome o = StgCmtScu.request(server.port(), "CAPSCP", "SCU1", tx, r, false);
        assertEquals(0, o.actionStatus());
        StgCmtScu.Report report = scu1.next(20);
        assertNotNull(report, "no report arrived");
        assertEquals(tx, report.transactionUid());
        return report;
    }

    @Test
    void studyStillBeingReceivedIsAnsweredForWhatIsDurable() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("STP").seriesPerStudy(1).imagesPerSeries(4)
                .seed(1502).build().generate(gen.resolve("partial"));
        List<String[]> all = new ArrayList<>();
        for (Path p : g.files()) {
            all.add(new String[] {SOPClass.MRImageStorage, CStoreTest.sopOf(p)});
        }
        // the first half has arrived, the rest is still on its way
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files().subList(0, 2))).ok());
        StgCmtScu.Report first = requestAndWait(all);
        assertEquals(2, first.eventType());
        assertEquals(List.of(all.get(0)[1], all.get(1)[1]), first.committed());
        assertEquals(Map.of(all.get(2)[1], 0x0112, all.get(3)[1], 0x0112), first.failed());
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files().subList(2, 4))).ok());
        StgCmtScu.Report second = requestAndWait(all);
        assertEquals(1, second.eventType());
        assertEquals(4, second.committed().size());
    }

    @Test
    void badRequestsAreRefused() throws Exception {
        // an AE that is neither in the registry nor waiting on its association cannot get a report
        StgCmtScu.Outcome o = StgCmtScu.request(server.port(), "CAPSCP", "NOBODY", tx(), refs, false);
        assertEquals(0x0110, o.actionStatus());
        assertTrue(o.errorComment().contains("NOBODY"), o.errorComment());
        List<String[]> bad = new ArrayList<>();
        bad.add(new String[] {SOPClass.MRImageStorage, "1.2.not.a.uid"});
        assertEquals(0x0115, StgCmtScu.request(server.port(), "CAPSCP", "SCU1", tx(), bad, false).actionStatus());
        assertEquals(0x0115, StgCmtScu.request(server.port(), "CAPSCP", "SCU1", "", refs, false).actionStatus());
    }

    @Test
    void requesterDownThenUpGetsTheReportLater() throws Exception {
        int port = TestDatabase.freePort();
        register("SCU2", port);
        String tx = tx();
        assertEquals(0, StgCmtScu.request(server.port(), "CAPSCP", "SCU2", tx, refs, false).actionStatus());
        BadInputTest.waitForLong(() -> ((Number) server.rows("SELECT COALESCE(MAX(attempts), 0) AS a FROM "
                + "{pacs}.stgcmt_pending WHERE transaction_uid = ?", tx).get(0).get("a")).intValue() >= 2, 20);
        Object[] status = XpacsTest.cli(server, "status", "--log-dir", Path.of("target", "it").toAbsolutePath().toString());
        assertEquals(0, status[0], (String) status[1]);
        assertTrue(((String) status[1]).contains(tx) && ((String) status[1]).contains("to SCU2"), (String) status[1]);
        try (StgCmtScu.Receiver scu2 = new StgCmtScu.Receiver("SCU2", port)) {
            StgCmtScu.Report r = scu2.next(30);
            assertNotNull(r, "the report did not arrive after the requester came back");
            assertEquals(tx, r.transactionUid());
            assertEquals(1, r.eventType());
        }
        BadInputTest.waitForLong(() -> server.rows("SELECT pk FROM {pacs}.stgcmt_pending WHERE transaction_uid = ?", tx)
                .isEmpty(), 10);
    }

    @Test
    void reportSurvivesARestartOfTheNode() throws Exception {
        int port = TestDatabase.freePort();
        register("SCU3", port);
        String tx = tx();
        assertEquals(0, StgCmtScu.request(server.port(), "CAPSCP", "SCU3", tx, refs, false).actionStatus());
        BadInputTest.waitForLong(() -> !server.rows("SELECT pk FROM {pacs}.stgcmt_pending WHERE transaction_uid = ? "
                + "AND attempts > 0", tx).isEmpty(), 20);
        server.close();
        try (StgCmtScu.Receiver scu3 = new StgCmtScu.Receiver("SCU3", port)) {
            server = server.sibling();
            StgCmtScu.Report r = scu3.next(30);
            assertNotNull(r, "the report did not arrive after the restart");
            assertEquals(tx, r.transactionUid());
            assertEquals(refs.size(), r.committed().size());
        }
    }

    @Test
    void undeliverableReportExpiresWithAWarning() throws Exception {
        // a node of its own: a sibling with the usual expiry would keep the row going
        try (ServerFixture shortLived = ServerFixture.start(Map.of(Option.STGCMT_EXPIRY, "3", Option.STGCMT_RETRY, "1"));
                LogCapture log = new LogCapture()) {
            Object[] add = XpacsTest.cli(shortLived, "ae", "add", "SCU4", "127.0.0.1", String.valueOf(TestDatabase.freePort()));
            assertEquals(0, add[0], (String) add[1]);
            String tx = tx();
            assertEquals(0, StgCmtScu.request(shortLived.port(), "CAPSCP", "SCU4", tx, refs, false).actionStatus());
            BadInputTest.waitForLong(() -> !log.matching("WARN", "storage commitment " + tx + " of SCU4 expired").isEmpty(),
                    30);
            assertTrue(shortLived.rows("SELECT pk FROM {pacs}.stgcmt_pending WHERE transaction_uid = ?", tx).isEmpty());
            BadInputTest.waitForLong(() -> auditLines(tx).stream().anyMatch(l -> l.contains("\"status\":\"expired\"")), 10);
        }
    }
}
