package org.cardiacatlas.cap.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** DCMTK's command-line tools, the peers the integration tests drive the server with. */
final class Dcmtk {

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Dcmtk() {
    }

    static Result run(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            // without it DCMTK waits ~40 ms per message on loopback (Nagle)
            pb.environment().put("TCP_NODELAY", "1");
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " (is dcmtk installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result echoscu(int port, String... options) {
        List<String> c = new ArrayList<>(List.of("echoscu", "-aec", "CAPSCP", "-aet", "ECHOSCU"));
        c.addAll(List.of(options));
        c.addAll(List.of("127.0.0.1", String.valueOf(port)));
        return run(c);
    }

    /** storescu with -nh (do not halt on a refused file), calling AE STORESCU unless overridden. */
    static Result storescu(int port, List<String> options, List<String> files) {
        List<String> c = new ArrayList<>(List.of("storescu", "-v", "-nh", "-aec", "CAPSCP", "-aet", "STORESCU"));
        c.addAll(options);
        c.addAll(List.of("127.0.0.1", String.valueOf(port)));
        c.addAll(files);
        return run(c);
    }
}
