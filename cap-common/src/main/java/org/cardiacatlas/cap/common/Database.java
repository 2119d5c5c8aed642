package org.cardiacatlas.cap.common;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HikariDataSource and the one SqlSessionFactory over it, for the PACS and XPACS
 * schemas (on one server by default, so that one transaction can span both). Starts the
 * embedded MariaDB when no URL is configured and migrates both schemas with Flyway.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedDatabase embedded;
    private final HikariDataSource dataSource;
    private final SqlSessionFactory sessions;
    /** The pool of connections in autocommit for reads; see {@link #readSessions()}. */
    private final HikariDataSource readDataSource;
    private final SqlSessionFactory readSessions;
    /** Null when XPACS lives on the PACS server (the default). */
    private final HikariDataSource xpacsDataSource;
    private final SqlSessionFactory xpacsSessions;
    private final String xpacsSchema;
    private volatile boolean xpacsReady;

    private Database(EmbeddedDatabase embedded, HikariDataSource dataSource, SqlSessionFactory sessions,
            HikariDataSource readDataSource, SqlSessionFactory readSessions,
            HikariDataSource xpacsDataSource, SqlSessionFactory xpacsSessions, String xpacsSchema, boolean xpacsReady) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.sessions = sessions;
        this.readDataSource = readDataSource;
        this.readSessions = readSessions;
        this.xpacsDataSource = xpacsDataSource;
        this.xpacsSessions = xpacsSessions;
        this.xpacsSchema = xpacsSchema;
        this.xpacsReady = xpacsReady;
    }

    /** Opens the database and registers the given MyBatis mappers (interface + XML of the same name). */
    public static Database open(CapConfig config, List<Class<?>> mappers) {
        return open(config, mappers, false);
    }

    /**
     * @param joinRunningEmbedded for the administration commands: when no URL is configured and
     *        the embedded database of a running server answers on its port, use it rather than
     *        start another on the same data folder
     */
    public static Database open(CapConfig config, List<Class<?>> mappers, boolean joinRunningEmbedded) {
        EmbeddedDatabase embedded = null;
        String url = config.get(CapConfig.Option.DB_URL).trim();
        String user = config.get(CapConfig.Option.DB_USER);
        String password = config.get(CapConfig.Option.DB_PASSWORD);
        if (url.isEmpty()) {
            int port = config.integer(CapConfig.Option.EMBEDDED_DB_PORT);
            Path dbDir = config.dataDir().resolve("db");
            // the node running on this data folder, found by its mariadbd's pid file (not by whatever
            // answers on the configured port, which may be a node on another folder)
            java.util.OptionalInt running = joinRunningEmbedded ? EmbeddedDatabase.runningPort(dbDir)
                    : java.util.OptionalInt.empty();
            if (running.isPresent()) {
                port = running.getAsInt();
                LOG.debug("using the embedded database of the node running on {}: 127.0.0.1:{}", config.dataDir(), port);
                url = "jdbc:mysql://127.0.0.1:" + port + "/";
                try {
                    password = EmbeddedDatabase.credentialsOf(dbDir).nodePassword();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot read " + dbDir.resolve("client.cnf") + ": " + e.getMessage(), e);
                }
            } else {
                if (joinRunningEmbedded && listening(port)) {
                    // issue 11: say so at once, not after a start that cannot work
                    throw new IllegalStateException("port " + port + " (--embedded-db-port) is in use, but no node runs "
                            + "on " + config.dataDir() + ": another node's database or another program holds it");
                }
                if (joinRunningEmbedded) {
                    LOG.info("no node runs on {}: starting its embedded database for this command", config.dataDir());
                }
                embedded = EmbeddedDatabase.start(dbDir, port);
                url = embedded.jdbcUrl();
                password = embedded.nodePassword();
                try {
                    List<String> schemas = new java.util.ArrayList<>(List.of(config.pacsSchema()));
                    if (config.get(CapConfig.Option.XPACS_DB_URL).trim().isEmpty()) {
                        schemas.add(config.xpacsSchema());
                    }
                    embedded.grantSchemas(schemas);
                } catch (RuntimeException e) {
                    embedded.close();
                    throw e;
                }
            }
            // the node's own account of client.cnf, never root (issue 10)
            user = EmbeddedDatabase.NODE_USER;
        }
        HikariDataSource ds = null;
        HikariDataSource rds = null;
        try {
            ds = dataSource("capdb", url, user, password, config.integer(CapConfig.Option.DB_POOL_SIZE), true, false);
            boolean command = joinRunningEmbedded;
            migrate(ds, config.pacsSchema(), "pacs", command);
            SqlSessionFactory sessions = sessionFactory(ds, config, mappers, new JdbcTransactionFactory());
            rds = dataSource("capdb-read", url, user, password, config.integer(CapConfig.Option.DB_POOL_SIZE), true, true);
            SqlSessionFactory readSessions = sessionFactory(rds, config, mappers, new AutocommitTransactionFactory());
            String xpacsUrl = config.get(CapConfig.Option.XPACS_DB_URL).trim();
            if (xpacsUrl.isEmpty()) {
                migrate(ds, config.xpacsSchema(), "xpacs", command);
                return new Database(embedded, ds, sessions, rds, readSessions, null, sessions, config.xpacsSchema(), true);
            }
            // another server, which may be away: the node starts anyway and catches up later
            HikariDataSource xds = dataSource("xpacsdb", xpacsUrl, config.get(CapConfig.Option.XPACS_DB_USER),
                    config.get(CapConfig.Option.XPACS_DB_PASSWORD), 4, false, false);
            boolean ready = false;
            try {
                migrate(xds, config.xpacsSchema(), "xpacs", command);
                ready = true;
            } catch (RuntimeException e) {
                LOG.warn("XPACS database {} unreachable at start ({}): studies stay pending until it is back",
                        CapConfig.maskUrlPassword(xpacsUrl), rootMessage(e));
            }
            return new Database(embedded, ds, sessions, rds, readSessions, xds,
                    sessionFactory(xds, config, mappers, new JdbcTransactionFactory()), config.xpacsSchema(), ready);
        } catch (RuntimeException e) {
            if (rds != null) {
                rds.close();
            }
            if (ds != null) {
                ds.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static HikariDataSource dataSource(String name, String url, String user, String password, int size,
            boolean mustConnect, boolean autocommit) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setAutoCommit(autocommit);
        // READ COMMITTED: no gap locks, so concurrent first stores of one study collide on the
        // unique keys (and are retried) instead of deadlocking on gaps
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hc.addDataSourceProperty("characterEncoding", "UTF-8");
        hc.addDataSourceProperty("connectionCollation", "utf8mb4_unicode_ci");
        hc.addDataSourceProperty("cachePrepStmts", "true");
        hc.addDataSourceProperty("prepStmtCacheSize", "250");
        hc.addDataSourceProperty("prepStmtCacheSqlLimit", "4096");
        hc.addDataSourceProperty("useLocalSessionState", "true");
        hc.addDataSourceProperty("rewriteBatchedStatements", "true");
        // the store path sends its inserts and count updates in one round trip
        hc.addDataSourceProperty("allowMultiQueries", "true");
        hc.addDataSourceProperty("allowPublicKeyRetrieval", "true");
        if (!url.contains("sslMode") && url.startsWith("jdbc:mysql://127.0.0.1")) {
            hc.addDataSourceProperty("sslMode", "DISABLED");
        }
        if (mustConnect) {
            hc.setInitializationFailTimeout(30_000);
            // while the database is away a store fails within seconds with a status, not after 30 s (issue 10)
            hc.setConnectionTimeout(5_000);
        } else {
            hc.setInitializationFailTimeout(-1);
            hc.setConnectionTimeout(5_000);
        }
        return new HikariDataSource(hc);
    }

    private static void migrate(DataSource ds, String schema, String location, boolean quiet) {
        Flyway flyway = Flyway.configure()
                .dataSource(ds)
                .schemas(schema)
                .createSchemas(true)
                .locations("classpath:db/" + location)
                // features land in parallel with their own version numbers: a database already at a
                // later one still takes an earlier one that arrived after it (each is independent)
                .outOfOrder(true)
                .load();
        var result = flyway.migrate();
        // the version the schema is at now (targetSchemaVersion is null when nothing was applied)
        var current = flyway.info().current();
        String version = current == null || current.getVersion() == null ? "none" : current.getVersion().getVersion();
        if (quiet) {
            // an administration command: the node reports the schema at its start
            LOG.debug("schema {} at version {} ({} migrations applied)", schema, version, result.migrationsExecuted);
        } else {
            LOG.info("schema {} at version {} ({} migrations applied)", schema, version, result.migrationsExecuted);
        }
    }

    /**
     * Sessions of the read pool: its connections are in autocommit, and stay so whatever a caller
     * asks, so that closing a session that only read sends nothing (no rollback, no SET autocommit).
     */
    private static final class AutocommitTransactionFactory extends JdbcTransactionFactory {
        @Override
        public org.apache.ibatis.transaction.Transaction newTransaction(DataSource ds,
                org.apache.ibatis.session.TransactionIsolationLevel level, boolean autoCommit) {
            return new org.apache.ibatis.transaction.jdbc.JdbcTransaction(ds, level, true, true);
        }
    }

    /**
     * The objects of the row classes, which are package-private like the units' other internals.
     * MyBatis's own factory tries each one's constructor, fails the access check and only then
     * makes it accessible, for every row: an exception with its stack trace per row (1.5 % of the
     * CPU of a C-FIND with 50 matches, issue 16). This one makes a constructor accessible once.
     */
    static final class RowFactory extends org.apache.ibatis.reflection.factory.DefaultObjectFactory {
        private final java.util.Map<Class<?>, java.util.Optional<java.lang.reflect.Constructor<?>>> noArgs =
                new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public <T> T create(Class<T> type, List<Class<?>> argTypes, List<Object> args) {
            if (argTypes != null || args != null || type.isInterface()
                    || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
                return super.create(type, argTypes, args);
            }
            java.util.Optional<java.lang.reflect.Constructor<?>> c = noArgs.computeIfAbsent(type, t -> {
                try {
                    java.lang.reflect.Constructor<?> k = t.getDeclaredConstructor();
                    k.setAccessible(true);
                    return java.util.Optional.of(k);
                } catch (NoSuchMethodException | RuntimeException e) {
                    return java.util.Optional.empty();
                }
            });
            if (c.isEmpty()) {
                return super.create(type, argTypes, args);
            }
            try {
                return type.cast(c.get().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new org.apache.ibatis.reflection.ReflectionException("cannot create " + type.getName(), e);
            }
        }
    }

    private static SqlSessionFactory sessionFactory(DataSource ds, CapConfig config, List<Class<?>> mappers,
            JdbcTransactionFactory tx) {
        Properties txProps = new Properties();
        // the pool hands out connections with autocommit off already; resetting it on every
        // close would cost two round trips per transaction
        txProps.setProperty("skipSetAutoCommitOnClose", "true");
        tx.setProperties(txProps);
        Configuration c = new Configuration(new Environment("cap", tx, ds));
        Properties vars = new Properties();
        // ${pacs} and ${xpacs} in the mapper XML: validated identifiers, see CapConfig
        vars.setProperty("pacs", config.pacsSchema());
        vars.setProperty("xpacs", config.xpacsSchema());
        c.setVariables(vars);
        c.setMapUnderscoreToCamelCase(true);
        c.setDefaultStatementTimeout(60);
        c.setObjectFactory(new RowFactory());
        for (Class<?> m : mappers) {
            c.addMapper(m);
        }
        return new SqlSessionFactoryBuilder().build(c);
    }

    public SqlSessionFactory sessions() {
        return sessions;
    }

    /**
     * Sessions for units that only read (the query unit, logins): each statement is its own
     * transaction (READ COMMITTED sees no more than that), so a session costs one round trip per
     * statement and none to end it; on the pool of {@link #sessions()} a session that read ends
     * with a ROLLBACK round trip (issue 16: a QIDO-RS reads twice, login and query). Never for
     * writes: nothing read here is a transaction's.
     */
    public SqlSessionFactory readSessions() {
        return readSessions;
    }

    /** The XPACS tables' sessions: the PACS ones unless XPACS is on another server. */
    public SqlSessionFactory xpacsSessions() {
        return xpacsSessions;
    }

    public boolean xpacsOnOtherServer() {
        return xpacsDataSource != null;
    }

    /** Creates or migrates the XPACS schema on its own server if that has not worked yet; throws while it is away. */
    public synchronized void prepareXpacs() {
        if (!xpacsReady) {
            migrate(xpacsDataSource, xpacsSchema, "xpacs", false);
            xpacsReady = true;
        }
    }

    /** The innermost cause's message: what a log line or an Error Comment should say. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        if (xpacsDataSource != null) {
            xpacsDataSource.close();
        }
        readDataSource.close();
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
