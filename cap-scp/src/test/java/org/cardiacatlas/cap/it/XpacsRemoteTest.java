package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.common.EmbeddedDatabase;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/**
 * XPACS on another database server that is away when studies arrive: the stores succeed, the
 * studies are pending, and the server catches up by itself once XPACS is back.
 */
class XpacsRemoteTest {

    static final String ROOT_PASSWORD = "Root1234567890abc";

    @Test
    void storesSucceedWhileXpacsIsAwayAndSyncCatchesUpByItself() throws Exception {
        int xpacsPort = TestDatabase.freePort();
        String xpacsUrl = "jdbc:mysql://127.0.0.1:" + xpacsPort + "/";
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("XPR").sessionsPerPatient(2).seed(601).build()
                .generate(Path.of("target", "it", "gen-xpr").toAbsolutePath());
        EmbeddedDatabase xpacsServer = null;
        // the other server's accounts, known before it first starts: its client.cnf, made ahead
        Path xpacsDir = Path.of("target", "it", "xpacs-remote-" + xpacsPort).toAbsolutePath();
        java.nio.file.Files.createDirectories(xpacsDir);
        java.nio.file.Files.writeString(xpacsDir.resolve("client.cnf"),
                "[client]\nuser=root\npassword=" + ROOT_PASSWORD + "\n[capserver]\npassword=Node1234567890\n");
        try (LogCapture log = new LogCapture();
                ServerFixture server = ServerFixture.start(Map.of(Option.XPACS_DB_URL, xpacsUrl, Option.XPACS_RETRY, "1",
                        Option.XPACS_DB_PASSWORD, ROOT_PASSWORD))) {
            assertEquals(1, log.matching("WARN", "unreachable at start").size(), log.lines().toString());
            List<String> first = new ArrayList<>();
            for (Path p : g.files()) {
                if (p.toString().contains(g.studies().get(0).patientId())) {
                    first.add(p.toString());
                }
            }
            Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), first);
            assertTrue(r.ok() && r.output().contains("Received Store Response (Success)"), r.output());
            assertEquals(1, server.count("xpacs_pending"));

            xpacsServer = EmbeddedDatabase.start(xpacsDir, xpacsPort);
            BadInputTest.waitForLong(() -> server.count("xpacs_pending") == 0, 60);
            assertEquals(List.of(g.studies().get(0).studyInstanceUid()), studyLinks(xpacsUrl, server));

            // with XPACS back, the next session follows within the retry interval
            List<String> second = new ArrayList<>();
            for (Path p : g.files()) {
                if (p.toString().contains(g.studies().get(1).patientId())) {
                    second.add(p.toString());
                }
            }
            assertTrue(Dcmtk.storescu(server.port(), List.of(), second).ok());
            BadInputTest.waitForLong(() -> server.count("xpacs_pending") == 0, 30);
            assertEquals(List.of(g.studies().get(0).studyInstanceUid(), g.studies().get(1).studyInstanceUid()),
                    studyLinks(xpacsUrl, server));
            assertTrue(server.rows("SELECT 1 AS x FROM information_schema.tables WHERE table_schema = ? "
                    + "AND table_name = 'STUDY_PACS'", server.options.get(Option.XPACS_SCHEMA)).isEmpty(),
                    "XPACS tables live on the other server only");

            // capserver delete with XPACS on the other server: PACS rows, then the study's XPACS rows there
            String gone = g.studies().get(0).studyInstanceUid();
            Object[] del = XpacsTest.cli(server, "delete", "study", gone);
            assertEquals(0, del[0], (String) del[1]);
            assertTrue(((String) del[1]).contains("XPACS: study link, 1 history event of XPR00001"), (String) del[1]);
            assertEquals(List.of(g.studies().get(1).studyInstanceUid()), studyLinks(xpacsUrl, server));
            assertTrue(server.rows("SELECT pk FROM {pacs}.study WHERE study_iuid = ?", gone).isEmpty());
            Object[] check = XpacsTest.cli(server, "xpacs", "check");
            assertEquals(0, check[0], (String) check[1]);
        } finally {
            if (xpacsServer != null) {
                xpacsServer.close();
            }
        }
    }

    /** The XPACS server's studies of the fixture's schema, in chain order of patient XPR00001. */
    static List<String> studyLinks(String url, ServerFixture server) throws Exception {
        String x = server.options.get(Option.XPACS_SCHEMA);
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url + "?sslMode=DISABLED&allowPublicKeyRetrieval=true", "root",
                ROOT_PASSWORD);
                ResultSet rs = c.createStatement().executeQuery("SELECT sp.PACS_StudyInstanceUID, h.Prev_id FROM "
                        + x + ".PATIENT_HISTORY h JOIN " + x + ".STUDY_PACS sp ON sp.id = h.STUDY_PACS_id "
                        + "JOIN " + x + ".PATIENT_INFO p ON p.id = h.PATIENT_INFO_id WHERE p.PatientID = 'XPR00001' "
                        + "ORDER BY h.EventDate, h.id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
