package org.cardiacatlas.cap.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cardiacatlas.cap.server.Main;

/** bin/capserver as the tests use it: its entry point in this JVM, or the server as a process of its own. */
final class Cli {

    private Cli() {
    }

    /** Runs the entry point with these arguments; returns {exit code, what it printed on standard output}. */
    static Object[] run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int rc = Main.run(args);
            return new Object[] {rc, buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(old);
        }
    }

    /** The command that runs the server in a JVM of its own, with conf/logback.xml, as deployed. */
    static List<String> serverProcess(String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("..", "conf", "logback.xml").toAbsolutePath(),
                "-Djava.library.path=" + System.getProperty("java.library.path"),
                "-cp", System.getProperty("java.class.path"), "org.cardiacatlas.cap.server.Main"));
        c.addAll(List.of(args));
        return c;
    }
}
