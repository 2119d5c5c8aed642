package org.cardiacatlas.cap.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The audit appender on a real full file system (a 3 MB tmpfs): every line on disk is a whole
 * record, the reserve lets the records of the first megabyte of the outage through, and what
 * cannot be written is counted, never half written.
 */
class AuditFileAppenderTest {

    @Test
    void aFullDiskNeverLeavesHalfARecord() throws Exception {
        Path mnt = Files.createTempDirectory("audit-full-");
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt.toString()) == 0,
                "needs root to mount a small tmpfs");
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            AuditFileAppender<ILoggingEvent> a = new AuditFileAppender<>();
            a.setContext(ctx);
            a.setFile(mnt.resolve("audit.log").toString());
            SizeAndTimeBasedRollingPolicy<ILoggingEvent> p = new SizeAndTimeBasedRollingPolicy<>();
            p.setContext(ctx);
            p.setParent(a);
            p.setFileNamePattern(mnt.resolve("audit.%d{yyyy-MM-dd}.%i.log.gz").toString());
            p.setMaxFileSize(FileSize.valueOf("50MB"));
            p.start();
            a.setRollingPolicy(p);
            PatternLayoutEncoder enc = new PatternLayoutEncoder();
            enc.setContext(ctx);
            enc.setPattern("%msg%n");
            enc.start();
            a.setEncoder(enc);
            a.start();
            assertEquals(AuditFileAppender.RESERVE_BYTES, Files.size(mnt.resolve(".audit-reserve")));
            Logger audit = ctx.getLogger("audit");
            audit.addAppender(a);
            audit.info(record(0));
            // fill the rest of the disk
            try (OutputStream out = Files.newOutputStream(mnt.resolve("filler"))) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block);
                }
            } catch (IOException full) {
                // ENOSPC: the disk is full now
            }
            int n = 1;
            while (a.lostRecords() == 0 && n < 100_000) {
                audit.info(record(n++));
            }
            for (int i = 0; i < 50; i++) {
                audit.info(record(n++));
            }
            assertTrue(a.lostRecords() > 0, "the disk was never full");
            List<String> lines = Files.readAllLines(mnt.resolve("audit.log"), StandardCharsets.UTF_8);
            // the 1 MB reserve holds thousands of 180-byte records written during the outage
            assertTrue(lines.size() > 4000, "records written after the disk filled: " + lines.size());
            assertEquals(n - a.lostRecords(), lines.size());
            for (int i = 0; i < lines.size(); i++) {
                assertTrue(lines.get(i).matches("\\{\"op\":\"C-STORE\",\"status\":\"A700\",\"n\":" + i + ",\"detail\":\"x{120}\"\\}"),
                        "line " + i + " is not whole: " + lines.get(i));
            }
            byte[] raw = Files.readAllBytes(mnt.resolve("audit.log"));
            assertEquals('\n', raw[raw.length - 1], "the file ends with a whole line");
        } finally {
            ctx.stop();
            run("umount", mnt.toString());
            Files.deleteIfExists(mnt);
        }
    }

    private static String record(int n) {
        return "{\"op\":\"C-STORE\",\"status\":\"A700\",\"n\":" + n + ",\"detail\":\"" + "x".repeat(120) + "\"}";
    }

    private static int run(String... command) throws Exception {
        try {
            Process pr = new ProcessBuilder(command).redirectErrorStream(true).start();
            pr.getInputStream().readAllBytes();
            return pr.waitFor(30, TimeUnit.SECONDS) ? pr.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
