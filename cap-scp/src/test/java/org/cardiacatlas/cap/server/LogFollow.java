package org.cardiacatlas.cap.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** capserver log with its own output stream, for a test that follows the log while it grows. */
public final class LogFollow {

    private LogFollow() {
    }

    public static int run(Path logDir, List<String> args, PrintStream out) throws Exception {
        return LogCommand.run(logDir, args, out);
    }

    /** capserver log with its own output and error streams. */
    public static int run(Path logDir, List<String> args, PrintStream out, PrintStream err) throws Exception {
        return LogCommand.run(logDir, args, out, err);
    }
}
