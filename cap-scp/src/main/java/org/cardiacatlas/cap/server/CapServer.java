package org.cardiacatlas.cap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Accounts;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.cardiacatlas.cap.store.StoreCompression;
import org.cardiacatlas.cap.store.PacsIndex;
import org.cardiacatlas.cap.store.StoreUnit;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.commit.StorageCommitmentScp;
import org.cardiacatlas.cap.commit.StorageCommitments;
import org.cardiacatlas.cap.scp.CEchoScp;
import org.cardiacatlas.cap.scp.CFindScp;
import org.cardiacatlas.cap.codec.Codec;
import org.cardiacatlas.cap.scp.CGetScp;
import org.cardiacatlas.cap.scp.CMoveScp;
import org.cardiacatlas.cap.scp.CStoreScp;
import org.cardiacatlas.cap.scp.DicomListener;
import org.cardiacatlas.cap.scp.DimseServiceRegistry;
import org.cardiacatlas.cap.xpacs.XpacsCatchUp;
import org.cardiacatlas.cap.xpacs.XpacsDeferred;
import org.cardiacatlas.cap.xpacs.XpacsHook;
import org.cardiacatlas.cap.xpacs.XpacsSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node, wired by plain constructors: database, storage unit, index unit, services, listener. */
public final class CapServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CapServer.class);
    private static final long STOP_GRACE_SECONDS = 20;

    private final CapConfig config;
    private final Database database;
    private final ArchiveStorage storage;
    private final PacsIndex index;
    private final StoreUnit store;
    private final PacsQuery query;
    private final RetrieveIndex retrieve;
    private final Codec codec;
    private final Accounts accounts;
    private final org.cardiacatlas.cap.access.WebSessions webSessions;
    private final AccessControl access = new AccessControl();
    private final DicomListener listener;
    private final XpacsCatchUp catchUp;
    private final StorageCommitments commitments;
    /** --store-compression's background pass, when on. */
    private StoreCompression compression;
    /** The connector of the associations the node requests (TLS to destinations marked so). */
    private org.cardiacatlas.cap.scp.Outbound outbound;
    /** Started NodeModules, stopped in reverse order. */
    private final List<AutoCloseable> modules = new ArrayList<>();

    private CapServer(CapConfig config, Database database, ArchiveStorage storage, PacsIndex index, StoreUnit store,
            PacsQuery query, RetrieveIndex retrieve, Codec codec, DicomListener listener, XpacsCatchUp catchUp,
            StorageCommitments commitments) {
        this.config = config;
        this.database = database;
        this.storage = storage;
        this.index = index;
        this.store = store;
        this.query = query;
        this.retrieve = retrieve;
        this.codec = codec;
        this.accounts = new Accounts(database.sessions(), database.readSessions());
        this.webSessions = new org.cardiacatlas.cap.access.WebSessions(database.sessions());
        this.listener = listener;
        this.catchUp = catchUp;
        this.commitments = commitments;
    }

    public static CapServer start(CapConfig config) throws IOException {
        // closed by default: data folder and logs for the node's user and group only
        org.cardiacatlas.cap.common.FileModes.createDirectories(config.dataDir());
        org.cardiacatlas.cap.common.FileModes.restrict(config.dataDir(), org.cardiacatlas.cap.common.FileModes.DIR);
        LOG.info("CAP Server starting with:");
        org.cardiacatlas.cap.common.FileModes.restrictLogs(config.logDir());
        for (String line : config.describe()) {
            LOG.info("  {}", line);
        }
        // a port in use is said now, naming it, not after the database started (issue 10)
        checkPortFree(config.bind(), config.port(), "--port");
        int tlsPort = config.integer(CapConfig.Option.TLS_PORT);
        javax.net.ssl.SSLContext tls = null;
        if (tlsPort > 0) {
            checkPortFree(config.bind(), tlsPort, "--tls-port");
            tls = tlsContext(config);
        }
        // associations the node requests: over TLS to destinations marked so in pacs.ae (issue 10)
        org.cardiacatlas.cap.scp.Outbound outbound = org.cardiacatlas.cap.scp.Outbound.of(config);
        List<Class<?>> mappers = new ArrayList<>(PacsIndex.mappers());
        mappers.addAll(XpacsSync.mappers());
        mappers.addAll(RetrieveIndex.mappers());
        mappers.addAll(PacsQuery.mappers());
        mappers.addAll(StorageCommitments.mappers());
        mappers.addAll(StoreCompression.mappers());
        mappers.addAll(Accounts.mappers());
        mappers.addAll(org.cardiacatlas.cap.access.WebSessions.mappers());
        // capserver status's figures, also shown by the web app's dashboard
        mappers.add(StatusMapper.class);
        Database database = Database.open(config, mappers);
        XpacsCatchUp catchUp = null;
        StorageCommitments commitments = null;
        CapServer node;
        try {
            // a bad value stops the start before anything listens
            String compressTo = StoreCompression.syntaxOf(config.get(CapConfig.Option.STORE_COMPRESSION));
            ArchiveStorage storage = new ArchiveStorage(config.storageDir(), nodeId(config));
            XpacsSync xpacs = new XpacsSync(config.get(CapConfig.Option.CAP_ID_PATTERN));
            XpacsHook hook = xpacs;
            if (database.xpacsOnOtherServer()) {
                hook = new XpacsDeferred(xpacs);
                catchUp = new XpacsCatchUp(database.sessions(), database.xpacsSessions(), xpacs, database::prepareXpacs);
                catchUp.start(config.integer(CapConfig.Option.XPACS_RETRY));
            }
            PacsIndex index = new PacsIndex(database.sessions(), config.aet(), storage.root().toString(), hook,
                    nodeId(config));
            StoreUnit store = new StoreUnit(storage, index);
            // before anything listens: what a crash left committed before its folder was durable
            store.healPending(java.time.Duration.ofHours(1));
            PacsQuery query = new PacsQuery(database.readSessions(), config.aet(),
                    config.integer(CapConfig.Option.MAX_MATCHES), config.bool(CapConfig.Option.CASE_SENSITIVE_NAMES),
                    config.bool(CapConfig.Option.STRICT_QUERIES));
            DimseServiceRegistry registry = new DimseServiceRegistry()
                    .register(new CEchoScp())
                    .register(new CStoreScp(store))
                    .register(new CFindScp(query));
            RetrieveIndex retrieve = new RetrieveIndex(database.sessions());
            boolean verifyMd5 = config.bool(CapConfig.Option.VERIFY_MD5);
            boolean strict = config.bool(CapConfig.Option.STRICT_QUERIES);
            Codec codec = new Codec();
            registry.register(new CMoveScp(retrieve, storage, codec, config.aet(), verifyMd5, strict, outbound))
                    .register(new CGetScp(retrieve, storage, codec, verifyMd5, strict));
            // storage commitment (PS3.4 Annex J)
            commitments = new StorageCommitments(database.sessions(), retrieve, storage, index, config.aet(),
                    config.integer(CapConfig.Option.STGCMT_RETRY), config.integer(CapConfig.Option.STGCMT_EXPIRY),
                    outbound);
            registry.register(new StorageCommitmentScp(commitments,
                    config.bool(CapConfig.Option.STGCMT_SAME_ASSOCIATION)));
            DicomListener listener = new DicomListener(config.aet(), config.bool(CapConfig.Option.CHECK_CALLED_AET),
                    config.allowedCallingAets(), config.integer(CapConfig.Option.MAX_PDU_LENGTH),
                    config.integer(CapConfig.Option.IDLE_TIMEOUT), config.integer(CapConfig.Option.MAX_ASSOCIATIONS),
                    config.integer(CapConfig.Option.ASSOCIATE_TIMEOUT),
                    config.integer(CapConfig.Option.MAX_ASSOCIATIONS_PER_ADDRESS), registry);
            LOG.info("archive folder {} (filesystem pk {})", storage.root(), index.filesystemPk());
            if (config.bool(CapConfig.Option.VERIFY_AT_START)) {
                verifyInBackground(database, storage);
            }
            commitments.start();
            node = new CapServer(config, database, storage, index, store, query, retrieve, codec, listener, catchUp,
                    commitments);
            node.outbound = outbound;
            if (compressTo != null) {
                node.compression = new StoreCompression(database.sessions(), storage, index.filesystemPk(), codec,
                        compressTo);
                node.compression.start(1000);
            }
        } catch (IOException | RuntimeException e) {
            if (catchUp != null) {
                catchUp.close();
            }
            if (commitments != null) {
                commitments.close();
            }
            database.close();
            throw e;
        }
        try {
            node.startModules();
            // the DICOM ports open last: a peer that reaches the node finds every part of it
            // started, and "listening on" is the last line of a start (a failure before it
            // stops a node that never answered anyone)
            node.listener.start(config.bind(), config.port());
            if (tls != null) {
                node.listener.startTls(config.bind(), tlsPort, tls, config.bool(CapConfig.Option.TLS_CLIENT_AUTH));
            }
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** The first account, then the modules of other jars (the HTTP server). */
    private void startModules() throws IOException {
        java.nio.file.Path initial = accounts.ensureInitialAdmin(config.dataDir());
        if (initial != null) {
            // said once, on the console and in the log; the password itself only in the file
            LOG.warn("no account existed: created user 'admin' with the password in {} (readable by this user only);"
                    + " change it with: capserver user passwd admin", initial);
        }
        for (NodeModule m : ServiceLoader.load(NodeModule.class)) {
            try {
                modules.add(m.start(this));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("cannot start " + m.getClass().getName() + ": " + e.getMessage(), e);
            }
        }
    }

    public CapConfig config() {
        return config;
    }

    /** The store path of C-STORE, for STOW-RS and imports. */
    public StoreUnit store() {
        return store;
    }

    public PacsIndex index() {
        return index;
    }

    public PacsQuery query() {
        return query;
    }

    public RetrieveIndex retrieve() {
        return retrieve;
    }

    /** The outbound connector of C-MOVE and storage commitment, for the web app's C-ECHO. */
    public org.cardiacatlas.cap.scp.Outbound outbound() {
        return outbound;
    }

    /** The codec unit of C-MOVE, C-GET and the store compression, for WADO and rendering. */
    public Codec codec() {
        return codec;
    }

    public Accounts accounts() {
        return accounts;
    }

    /** The web app's login sessions, in the database: shared by the nodes on it. */
    public org.cardiacatlas.cap.access.WebSessions webSessions() {
        return webSessions;
    }

    public AccessControl access() {
        return access;
    }

    private static void checkPortFree(String bind, int port, String option) throws IOException {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(bind.isEmpty() ? new java.net.InetSocketAddress(port)
                    : new java.net.InetSocketAddress(java.net.InetAddress.getByName(bind), port));
        } catch (IOException e) {
            throw new IOException("port " + port + " (" + option + ") is in use or cannot be bound: " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.SSLContext tlsContext(CapConfig config) throws IOException {
        String ks = config.get(CapConfig.Option.TLS_KEYSTORE).trim();
        if (ks.isEmpty()) {
            throw new IllegalArgumentException("--tls-port needs --tls-keystore (PKCS#12 with the node's key and certificate)");
        }
        String ts = config.get(CapConfig.Option.TLS_TRUSTSTORE).trim();
        return org.cardiacatlas.cap.scp.Tls.context(java.nio.file.Path.of(ks),
                config.get(CapConfig.Option.TLS_KEYSTORE_PASSWORD).toCharArray(),
                ts.isEmpty() ? null : java.nio.file.Path.of(ts), config.get(CapConfig.Option.TLS_TRUSTSTORE_PASSWORD).toCharArray());
    }

    /** The same at every start of this node: its host and DICOM port (two nodes on one host differ by port). */
    public static String nodeId(CapConfig config) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + config.port();
    }

    /** --verify-at-start: capserver verify, reporting only, beside the running node. */
    private static void verifyInBackground(Database database, ArchiveStorage storage) {
        Thread t = new Thread(() -> {
            try {
                org.cardiacatlas.cap.store.ArchiveVerify.Report r = new org.cardiacatlas.cap.store.ArchiveVerify(
                        database.sessions(), storage.root()).run(false, true, java.time.Duration.ofMinutes(10),
                                line -> LOG.warn("verify: {}", line));
                LOG.info("verify: {}", r.summary());
            } catch (Exception e) {
                LOG.error("verify failed: {}", e.toString());
            }
        }, "verify-at-start");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.localPort();
    }

    /** The DICOM TLS port, -1 without one. */
    public int tlsPort() {
        return listener.tlsPort();
    }

    public Database database() {
        return database;
    }

    public ArchiveStorage storage() {
        return storage;
    }

    /** Stops accepting, lets running associations finish, then shuts the database down. */
    @Override
    public void close() {
        LOG.info("CAP Server stopping");
        for (int i = modules.size() - 1; i >= 0; i--) {
            try {
                modules.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", modules.get(i), e.toString());
            }
        }
        modules.clear();
        listener.stop(STOP_GRACE_SECONDS);
        if (compression != null) {
            compression.close();
        }
        commitments.close();
        if (catchUp != null) {
            catchUp.close();
        }
        index.close();
        storage.close();
        database.close();
        LOG.info("CAP Server stopped");
    }
}
