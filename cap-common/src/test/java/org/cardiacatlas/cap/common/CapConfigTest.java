package org.cardiacatlas.cap.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapConfigTest {

    @TempDir
    Path dir;

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path f = dir.resolve("c.properties");
        Files.writeString(f, "aet = FILEAET\nport = 2000\nembedded-db-port = 4000\n");
        CapConfig c = CapConfig.load(new String[] {"serve", "--config", f.toString(), "--port=3000", "--dry-run"},
                Map.of("CAPSERVER_PORT", "2500", "CAPSERVER_AET", "ENVAET"));
        assertEquals(3000, c.port());
        assertEquals("ENVAET", c.aet());
        assertEquals(4000, c.integer(Option.EMBEDDED_DB_PORT));
        assertEquals(11112, CapConfig.load(new String[] {}, Map.of()).port());
        assertEquals(List.of("serve", "--dry-run"), c.arguments());
        assertTrue(c.describe().stream().anyMatch(l -> l.contains("port") && l.contains("[command line]")));
        assertTrue(c.describe().stream().anyMatch(l -> l.contains("ENVAET") && l.contains("[env CAPSERVER_AET]")));
    }

    @Test
    void secretsAreMaskedWhenPrinted() {
        CapConfig c = CapConfig.load(new String[] {"--db-password", "hunter2",
                "--db-url", "jdbc:mysql://db:3306/?user=x&password=hunter3"}, Map.of());
        String all = String.join("\n", c.describe());
        assertFalse(all.contains("hunter2"), all);
        assertFalse(all.contains("hunter3"), all);
        assertTrue(all.contains("********"));
        assertEquals("hunter2", c.get(Option.DB_PASSWORD));
    }

    @Test
    void badValuesAreRefusedWithTheOptionName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CapConfig.load(new String[] {"--port", "70000"}, Map.of()));
        assertTrue(e.getMessage().contains("--port"));
        assertThrows(IllegalArgumentException.class,
                () -> CapConfig.load(new String[] {"--pacs-schema", "pacs; DROP TABLE x"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CapConfig.load(new String[] {"--aet", "WAY_TOO_LONG_AE_TITLE"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> CapConfig.load(new String[] {"--port"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> CapConfig.load(new String[] {"--max-matches", "-1"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CapConfig.load(new String[] {"--case-sensitive-names", "maybe"}, Map.of()));
        // a true/false option alone is a switch; with a value, the value counts
        assertTrue(CapConfig.load(new String[] {"serve", "--strict-queries"}, Map.of())
                .bool(CapConfig.Option.STRICT_QUERIES));
        assertFalse(CapConfig.load(new String[] {"--strict-queries", "false", "serve"}, Map.of())
                .bool(CapConfig.Option.STRICT_QUERIES));
        assertThrows(IllegalArgumentException.class,
                () -> CapConfig.load(new String[] {"--config", dir.resolve("missing").toString()}, Map.of()));
    }

    @Test
    void unknownKeysInTheFileAreAnError() throws Exception {
        Path f = dir.resolve("c.properties");
        Files.writeString(f, "aett = TYPO\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CapConfig.load(new String[] {"--config", f.toString()}, Map.of()));
        assertTrue(e.getMessage().contains("aett"));
    }

    @Test
    void derivedFoldersFollowTheDataFolder() {
        CapConfig c = CapConfig.load(new String[] {"--data-dir", dir.toString(), "--allowed-calling-aets", "A, B,,C"},
                Map.of());
        assertEquals(dir.resolve("archive"), c.storageDir());
        assertEquals(dir.resolve("logs"), c.logDir());
        assertTrue(c.embeddedDatabase());
        assertEquals(10000, c.integer(CapConfig.Option.MAX_MATCHES));
        assertEquals(false, c.bool(CapConfig.Option.CASE_SENSITIVE_NAMES));
        assertEquals(java.util.Set.of("A", "B", "C"), c.allowedCallingAets());
    }
}
