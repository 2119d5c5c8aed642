package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.server.CapServer;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a new instance of a known series commits its rows once its file is forced and
 * linked, while its folder is forced, and store_pending holds it until then. What a crash
 * leaves there is healed at the next start: a file at its place is kept, one its folder lost
 * takes its rows (and the counts its store added) with it.
 */
class StorePendingTest {

    @Test
    void pendingRowsAreRemovedOnceDurableAndHealedAfterACrash() throws Exception {
        SyntheticStudies.Generated g = CStoreTest.generate("pending",
                SyntheticStudies.builder().prefix("PEN").seriesPerStudy(1).imagesPerSeries(6).seed(1601));
        List<Path> files = g.files().stream().sorted().toList();
        ServerFixture first = ServerFixture.start();
        ServerFixture second = null;
        boolean firstOpen = true;
        try {
            // counts the rows the stores write (they are removed again within milliseconds)
            try (Connection c = first.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + first.pacs + ".pending_seen (files_fk BIGINT)");
                st.execute("CREATE TRIGGER " + first.pacs + ".pending_seen_trg AFTER INSERT ON " + first.pacs
                        + ".store_pending FOR EACH ROW INSERT INTO " + first.pacs + ".pending_seen VALUES (NEW.files_fk)");
            }
            Dcmtk.Result r = Dcmtk.storescu(first.port(), List.of(), CStoreTest.paths(files));
            assertTrue(r.ok(), r.output());
            assertEquals(6, r.output().split("Received Store Response \\(Success\\)", -1).length - 1, r.output());
            // the first instance made the series (its commit waited for the folder); the next five
            // went the known-series way, each with a store_pending row
            assertEquals(5, first.count("pending_seen"));
            long end = System.currentTimeMillis() + 10_000;
            while (first.count("store_pending") > 0 && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertEquals(0, first.count("store_pending"), "rows of durable folders are removed");
            first.close();
            firstOpen = false;

            // a crash as the rows are now: this node's rows (any age) and another node's stale row
            // are healed; another node's recent row is that node's own business
            int port = TestDatabase.freePort();
            Map<Option, String> restart = new EnumMap<>(first.options);
            restart.put(Option.PORT, String.valueOf(port));
            String node = CapServer.nodeId(CapConfig.of(restart));
            long lost = pending(first, node, 1, files.get(1), 0, true);
            long kept = pending(first, node, 2, files.get(2), 0, false);
            long staleLost = pending(first, "other-host-104", 3, files.get(3), 2, true);
            long recent = pending(first, "other-host-104", 4, files.get(4), 0, true);

            try (LogCapture log = new LogCapture()) {
                second = first.sibling(Map.of(Option.PORT, String.valueOf(port)));
                assertEquals(2, log.matching("WARN", "was lost with its folder in a crash").size(), log.lines().toString());
                assertEquals(1, log.matching("INFO", "healed 3 instances").size(), log.lines().toString());
            }
            assertEquals(0, second.rows("SELECT pk FROM {pacs}.files WHERE pk IN (?, ?)", lost, staleLost).size());
            assertEquals(2, second.rows("SELECT pk FROM {pacs}.files WHERE pk IN (?, ?)", kept, recent).size());
            assertEquals(4, second.count("instance"));
            List<Map<String, Object>> left = second.rows("SELECT node, token FROM {pacs}.store_pending");
            assertEquals(1, left.size(), left.toString());
            assertEquals("other-host-104", left.get(0).get("node"));
            Map<String, Object> study = second.rows("SELECT num_instances, num_series, cuids_in_study FROM {pacs}.study")
                    .get(0);
            assertEquals(4, ((Number) study.get("num_instances")).intValue());
            assertEquals(1, ((Number) study.get("num_series")).intValue());
            assertEquals(SyntheticStudies.MR_IMAGE_STORAGE, study.get("cuids_in_study"));
            assertEquals(4, ((Number) second.rows("SELECT num_instances FROM {pacs}.series").get(0).get("num_instances"))
                    .intValue());

            // the sender was never told success for the lost ones: it sends them again
            r = Dcmtk.storescu(second.port(), List.of(), CStoreTest.paths(List.of(files.get(1), files.get(3))));
            assertTrue(r.ok(), r.output());
            assertEquals(2, r.output().split("Received Store Response \\(Success\\)", -1).length - 1, r.output());
            assertEquals(6, second.count("instance"));
            assertEquals(6, ((Number) second.rows("SELECT num_instances FROM {pacs}.study").get(0).get("num_instances"))
                    .intValue());
        } finally {
            if (second != null) {
                second.close();
            }
            if (firstOpen) {
                first.close();
            }
        }
    }

    @Test
    void associationsSendingOneStudyAtOnceAreCommittedInGroupsWithExactCounts() throws Exception {
        SyntheticStudies.Generated g = CStoreTest.generate("grouped",
                SyntheticStudies.builder().prefix("GRP").seriesPerStudy(2).imagesPerSeries(48).seed(1602));
        List<Path> files = g.files().stream().sorted().toList();
        try (ServerFixture f = ServerFixture.start()) {
            // which transaction wrote each store_pending row
            try (Connection c = f.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + f.pacs + ".pending_seen (files_fk BIGINT, trx VARCHAR(40))");
                st.execute("CREATE TRIGGER " + f.pacs + ".pending_seen_trg AFTER INSERT ON " + f.pacs
                        + ".store_pending FOR EACH ROW INSERT INTO " + f.pacs + ".pending_seen VALUES (NEW.files_fk,"
                        + " (SELECT trx_id FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()))");
            }
            // the first image of each series makes it; then 8 associations send the rest at once
            Dcmtk.Result first = Dcmtk.storescu(f.port(), List.of(),
                    CStoreTest.paths(List.of(files.get(0), files.get(files.size() - 1))));
            assertTrue(first.ok(), first.output());
            List<Path> rest = files.subList(1, files.size() - 1);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<Dcmtk.Result>> sent = new java.util.ArrayList<>();
                for (int a = 0; a < 8; a++) {
                    List<Path> share = new java.util.ArrayList<>();
                    for (int i = a; i < rest.size(); i += 8) {
                        share.add(rest.get(i));
                    }
                    sent.add(pool.submit(() -> Dcmtk.storescu(f.port(), List.of(), CStoreTest.paths(share))));
                }
                for (java.util.concurrent.Future<Dcmtk.Result> r : sent) {
                    Dcmtk.Result res = r.get();
                    assertTrue(res.ok(), res.output());
                    assertEquals(0, res.output().split("Received Store Response \\((?!Success)", -1).length - 1,
                            res.output());
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(96, f.count("instance"));
            assertEquals(96, f.count("files"));
            Map<String, Object> study = f.rows("SELECT num_instances, num_series, cuids_in_study FROM {pacs}.study").get(0);
            assertEquals(96, ((Number) study.get("num_instances")).intValue());
            assertEquals(2, ((Number) study.get("num_series")).intValue());
            assertEquals(SyntheticStudies.MR_IMAGE_STORAGE, study.get("cuids_in_study"));
            for (Map<String, Object> se : f.rows("SELECT se.num_instances, (SELECT COUNT(*) FROM {pacs}.instance i"
                    + " WHERE i.series_fk = se.pk) AS actual FROM {pacs}.series se")) {
                assertEquals(48, ((Number) se.get("num_instances")).intValue());
                assertEquals(48, ((Number) se.get("actual")).intValue());
            }
            long rows = f.count("pending_seen");
            long transactions = ((Number) f.rows("SELECT COUNT(DISTINCT trx) AS n FROM {pacs}.pending_seen").get(0)
                    .get("n")).longValue();
            assertEquals(94, rows, "every instance after each series' first went the known-series way");
            assertTrue(transactions < rows, "stores that waited for the study were committed together: " + transactions
                    + " transactions for " + rows + " instances");
            long end = System.currentTimeMillis() + 10_000;
            while (f.count("store_pending") > 0 && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertEquals(0, f.count("store_pending"));
        }
    }

    /**
     * Writes a store_pending row for the instance of this file, {@code hoursAgo} old, and
     * removes its archive file when the folder is to have lost it; returns its files pk.
     */
    private static long pending(ServerFixture f, String node, long token, Path sent, int hoursAgo, boolean loseFile)
            throws Exception {
        String sop = CStoreTest.sopOf(sent);
        Map<String, Object> row = f.rows("SELECT fi.pk, fi.filepath FROM {pacs}.files fi JOIN {pacs}.instance i"
                + " ON i.pk = fi.instance_fk WHERE i.sop_iuid = ?", sop).get(0);
        long filesPk = ((Number) row.get("pk")).longValue();
        try (Connection c = f.connect();
                java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + f.pacs
                        + ".store_pending (node, token, files_fk, created_time)"
                        + " VALUES (?, ?, ?, NOW(3) - INTERVAL ? HOUR)")) {
            ps.setString(1, node);
            ps.setLong(2, token);
            ps.setLong(3, filesPk);
            ps.setInt(4, hoursAgo);
            ps.executeUpdate();
        }
        if (loseFile) {
            Files.delete(f.storage.resolve((String) row.get("filepath")));
        }
        return filesPk;
    }
}
