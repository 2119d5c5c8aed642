package org.cardiacatlas.cap.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Entry points of the commands for callers inside this JVM (tests, embedding tools). */
public final class MainHooks {

    private MainHooks() {
    }

    public static int log(Path logDir, List<String> args, PrintStream out) throws Exception {
        return LogCommand.run(logDir, args, out);
    }
}
