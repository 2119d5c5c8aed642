package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/** Two servers on one database and one archive folder, storing the same studies at once. */
class SideBySideTest {

    @Test
    void twoServersShareOneDatabaseAndOneArchive() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("SBS").patients(1).sessionsPerPatient(2)
                .seriesPerStudy(3).imagesPerSeries(8).seed(301).build()
                .generate(Path.of("target", "it", "gen-sbs").toAbsolutePath());
        try (ServerFixture a = ServerFixture.start(); ServerFixture b = a.sibling()) {
            List<Path> files = g.files();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Dcmtk.Result>> results = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                List<String> slice = new ArrayList<>();
                for (int i = 0; i < files.size(); i++) {
                    // every file at least once; a third of them through both servers
                    if (i % 4 == k || (i % 3 == 0 && (i + 1) % 4 == k)) {
                        slice.add(files.get(i).toString());
                    }
                }
                ServerFixture target = k % 2 == 0 ? a : b;
                results.add(pool.submit(() -> Dcmtk.storescu(target.port(), List.of(), slice)));
            }
            for (Future<Dcmtk.Result> f : results) {
                Dcmtk.Result r = f.get();
                assertTrue(r.ok(), r.output());
            }
            pool.shutdown();

            assertEquals(1, a.count("filesystem"), "one filesystem row for the shared folder");
            assertEquals(2, a.count("patient"));
            assertEquals(2, a.count("study"));
            assertEquals(6, a.count("series"));
            assertEquals(48, a.count("instance"));
            assertEquals(48, a.count("files"));
            for (Map<String, Object> st : a.rows("SELECT num_series, num_instances FROM {pacs}.study")) {
                assertEquals(3, ((Number) st.get("num_series")).intValue());
                assertEquals(24, ((Number) st.get("num_instances")).intValue());
            }
            for (Map<String, Object> f : a.rows("SELECT f.filepath, f.file_md5, fs.dirpath FROM {pacs}.files f "
                    + "JOIN {pacs}.filesystem fs ON fs.pk = f.filesystem_fk")) {
                Path p = Path.of((String) f.get("dirpath")).resolve((String) f.get("filepath"));
                assertTrue(Files.exists(p), p.toString());
                assertEquals(f.get("file_md5"), ServerFixture.md5(p));
            }
            assertEquals(48, a.archiveFiles());
            // both sessions of the patient, stored through both servers at once: one XPACS patient, one valid chain
            assertEquals(2, XpacsTest.chain(a, "SBS00001").size());
            assertEquals(0, a.incomingFiles());
        }
    }
}
