package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.common.EmbeddedDatabase;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/**
 * The external-database path (--db-url, --db-user, --db-password) against a database server
 * started separately, on another port than the suite's: schemas created by the node, stores,
 * XPACS and the administration commands all on it.
 */
class ExternalDatabaseTest {

    @Test
    void theNodeRunsOnASeparatelyStartedServer() throws Exception {
        int port = TestDatabase.freePort();
        try (EmbeddedDatabase external = EmbeddedDatabase.start(
                Path.of("target", "it", "external-db-" + port).toAbsolutePath(), port)) {
            String url = "jdbc:mysql://127.0.0.1:" + port + "/";
            // as an administrator prepares a server (README, Production): a user with its schemas granted;
            // the grant tables are on (issue 10), so only that user with its password gets in
            external.grantSchemas(List.of("pacs", "xpacs"));
            try (ServerFixture server = ServerFixture.start(Map.of(Option.DB_URL, url, Option.DB_USER, "capserver",
                    Option.DB_PASSWORD, external.nodePassword(), Option.PACS_SCHEMA, "pacs", Option.XPACS_SCHEMA, "xpacs"))) {
                SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("EXT").sessionsPerPatient(2)
                        .imagesPerSeries(2).seed(1001).build().generate(Path.of("target", "it", "gen-ext").toAbsolutePath());
                assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
                assertEquals(4, server.count("instance"));
                assertEquals(2, XpacsTest.chain(server, "EXT00001").size());
                Object[] status = XpacsTest.cli(server, "status");
                assertEquals(0, status[0], (String) status[1]);
                assertTrue(((String) status[1]).contains("instances  4"), (String) status[1]);
                assertTrue(server.rows("SELECT 1 AS x FROM information_schema.schemata WHERE schema_name = 'pacs'").size() == 1);
            }
        }
    }
}
