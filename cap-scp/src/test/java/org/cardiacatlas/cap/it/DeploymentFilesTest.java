package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What can be checked of the deployment without a Docker engine: the compose file parses and
 * wires the node to MySQL 8.4, and the Dockerfile's paths and build stage match the Maven layout.
 */
class DeploymentFilesTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    @SuppressWarnings("unchecked")
    void composeFileParsesAndWiresTheNodeToMysql84() throws Exception {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(ROOT.resolve("docker/compose.yaml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        Map<String, Object> mysql = (Map<String, Object>) services.get("mysql");
        Map<String, Object> node = (Map<String, Object>) services.get("capserver");
        assertEquals("mysql:8.4", mysql.get("image"));
        assertTrue(((List<String>) mysql.get("volumes")).get(0).startsWith("mysql-data:"), "a named volume for MySQL");
        assertTrue(((Map<String, Object>) compose.get("volumes")).containsKey("mysql-data"));
        assertTrue(mysql.containsKey("healthcheck"));
        Map<String, Object> dependsOn = (Map<String, Object>) node.get("depends_on");
        assertEquals("service_healthy", ((Map<String, Object>) dependsOn.get("mysql")).get("condition"),
                "the node waits for the database");
        Map<String, Object> build = (Map<String, Object>) node.get("build");
        assertTrue(Files.isRegularFile(ROOT.resolve("docker").resolve((String) build.get("context"))
                .resolve((String) build.get("dockerfile")).normalize()));
        assertEquals("capserver.env", node.get("env_file"));
        assertEquals("capserver.env", mysql.get("env_file"));
        assertTrue(Files.readString(ROOT.resolve(".gitignore")).contains("docker/capserver.env"));
        String example = Files.readString(ROOT.resolve("docker/capserver.env.example"));
        for (String key : List.of("MYSQL_ROOT_PASSWORD", "MYSQL_USER", "MYSQL_PASSWORD", "CAPSERVER_DB_USER",
                "CAPSERVER_DB_PASSWORD")) {
            assertTrue(example.contains(key + "="), key);
        }
        assertEquals("jdbc:mysql://mysql:3306/", ((Map<String, Object>) node.get("environment")).get("CAPSERVER_DB_URL"));
        String init = Files.readString(ROOT.resolve("docker/mysql-init/01-capserver.sh"));
        assertTrue(init.contains("CREATE DATABASE IF NOT EXISTS pacs") && init.contains("ON xpacs.*"), init);
    }

    @Test
    void dockerfileCopiesWhatTheMavenBuildHasAndRunsUnprivileged() throws Exception {
        String df = Files.readString(ROOT.resolve("docker/Dockerfile"));
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(df);
        int copies = 0;
        while (copy.find()) {
            copies++;
            assertTrue(Files.exists(ROOT.resolve(copy.group(1))), "COPY source exists in the repository: " + copy.group(1));
        }
        assertTrue(copies >= 8);
        assertTrue(df.contains("FROM maven:3.9-eclipse-temurin-17 AS build"));
        assertTrue(df.contains("mvn -q -B -DskipTests package"));
        // the runtime stage takes the jar and lib/ that cap-web's pom produces (cap-scp and the HTTP server)
        String pom = Files.readString(ROOT.resolve("cap-web/pom.xml"));
        assertTrue(pom.contains("<finalName>cap-web</finalName>"));
        assertTrue(pom.contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>"));
        assertTrue(df.contains("COPY --from=build /src/cap-web/target/cap-web.jar"));
        assertTrue(df.contains("COPY --from=build /src/cap-web/target/lib/"));
        assertTrue(df.contains("libpixelmed-java"), "PixelMed from the distribution");
        assertTrue(df.matches("(?s).*bookworm-slim.*libgdcm-java.*"), "GDCM from the distribution in the runtime image");
        assertTrue(df.contains("-Djava.library.path=/usr/lib/x86_64-linux-gnu/jni") && df.contains("/usr/share/java/gdcm.jar"),
                "GDCM's jar and JNI library where the JVM finds them");
        assertTrue(df.contains("USER capserver") && df.contains("--uid 10001"), "not root");
        assertTrue(df.contains("VOLUME [\"/var/lib/capserver\", \"/etc/capserver\"]"));
        assertTrue(df.contains("EXPOSE 11112 8080"));
        assertTrue(df.matches("(?s).*HEALTHCHECK.*org.cardiacatlas.cap.server.Main\", \"health\".*"),
                "the health check is capserver health (database, archive, C-ECHO)");
        assertTrue(df.contains("org.cardiacatlas.cap.server.Main"));
        Class.forName("org.cardiacatlas.cap.server.Main");
        String unit = Files.readString(ROOT.resolve("docker/capserver.service"));
        assertTrue(unit.contains("ExecStart=/usr/bin/java") && unit.contains("org.cardiacatlas.cap.server.Main serve"));
        assertTrue(unit.contains("KillSignal=SIGTERM"));
    }
}
