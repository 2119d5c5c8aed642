package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The node on a real MySQL 8.4 (Testcontainers). Runs where a Docker engine is reachable; where
 * none is, JUnit reports it as skipped ("disabled: Docker is not available"), never as passed.
 */
@Testcontainers(disabledWithoutDocker = true)
class MySqlContainerTest {

    @Container
    static final MySQLContainer<?> MYSQL = new MySQLContainer<>("mysql:8.4")
            .withUsername("root").withPassword("test")
            .withCommand("--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci");

    @Test
    void storesAndSynchronizesOnMysql8() throws Exception {
        String url = "jdbc:mysql://" + MYSQL.getHost() + ":" + MYSQL.getMappedPort(3306) + "/";
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("MYS").sessionsPerPatient(2).imagesPerSeries(3)
                .seed(901).build().generate(Path.of("target", "it", "gen-mysql").toAbsolutePath());
        try (ServerFixture server = ServerFixture.start(Map.of(Option.DB_URL, url, Option.DB_USER, "root",
                Option.DB_PASSWORD, "test"))) {
            assertTrue(Dcmtk.storescu(server.port(), java.util.List.of(), CStoreTest.paths(g.files())).ok());
            assertEquals(6, server.count("instance"));
            assertEquals(2, server.count("study"));
            assertEquals(2, XpacsTest.chain(server, "MYS00001").size());
        }
    }
}
