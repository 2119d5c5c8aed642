package org.cardiacatlas.cap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Accounts;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.cardiacatlas.cap.store.PacsIndex;
import org.cardiacatlas.cap.store.StoreUnit;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.scp.CEchoScp;
import org.cardiacatlas.cap.scp.CFindScp;
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
    private final Accounts accounts;
    private final AccessControl access = new AccessControl();
    private final DicomListener listener;
    private final XpacsCatchUp catchUp;
    /** Started NodeModules, stopped in reverse order. */
    private final List<AutoCloseable> modules = new ArrayList<>();

    private CapServer(CapConfig config, Database database, ArchiveStorage storage, PacsIndex index, StoreUnit store,
            PacsQuery query,
            RetrieveIndex retrieve, DicomListener listener, XpacsCatchUp catchUp) {
        this.config = config;
        this.database = database;
        this.storage = storage;
        this.index = index;
        this.store = store;
        this.query = query;
        this.retrieve = retrieve;
        this.accounts = new Accounts(database.sessions());
        this.listener = listener;
        this.catchUp = catchUp;
    }

    public static CapServer start(CapConfig config) throws IOException {
        LOG.info("CAP Server starting with:");
        for (String line : config.describe()) {
            LOG.info("  {}", line);
        }
        List<Class<?>> mappers = new ArrayList<>(PacsIndex.mappers());
        mappers.addAll(XpacsSync.mappers());
        mappers.addAll(RetrieveIndex.mappers());
        mappers.addAll(PacsQuery.mappers());
        mappers.addAll(Accounts.mappers());
        Database database = Database.open(config, mappers);
        XpacsCatchUp catchUp = null;
        CapServer node;
        try {
            ArchiveStorage storage = new ArchiveStorage(config.storageDir());
            XpacsSync xpacs = new XpacsSync(config.get(CapConfig.Option.CAP_ID_PATTERN));
            XpacsHook hook = xpacs;
            if (database.xpacsOnOtherServer()) {
                hook = new XpacsDeferred(xpacs);
                catchUp = new XpacsCatchUp(database.sessions(), database.xpacsSessions(), xpacs, database::prepareXpacs);
                catchUp.start(config.integer(CapConfig.Option.XPACS_RETRY));
            }
            PacsIndex index = new PacsIndex(database.sessions(), config.aet(), storage.root().toString(), hook);
            StoreUnit store = new StoreUnit(storage, index);
            PacsQuery query = new PacsQuery(database.sessions(), config.aet(),
                    config.integer(CapConfig.Option.MAX_MATCHES), config.bool(CapConfig.Option.CASE_SENSITIVE_NAMES));
            DimseServiceRegistry registry = new DimseServiceRegistry()
                    .register(new CEchoScp())
                    .register(new CStoreScp(store))
                    .register(new CFindScp(query));
            RetrieveIndex retrieve = new RetrieveIndex(database.sessions());
            boolean verifyMd5 = config.bool(CapConfig.Option.VERIFY_MD5);
            registry.register(new CMoveScp(retrieve, storage, config.aet(), verifyMd5))
                    .register(new CGetScp(retrieve, storage, verifyMd5));
            DicomListener listener = new DicomListener(config.aet(), config.bool(CapConfig.Option.CHECK_CALLED_AET),
                    config.allowedCallingAets(), config.integer(CapConfig.Option.MAX_PDU_LENGTH),
                    config.integer(CapConfig.Option.IDLE_TIMEOUT), config.integer(CapConfig.Option.MAX_ASSOCIATIONS),
                    registry);
            listener.start(config.bind(), config.port());
            LOG.info("archive folder {} (filesystem pk {})", storage.root(), index.filesystemPk());
            node = new CapServer(config, database, storage, index, store, query, retrieve, listener, catchUp);
        } catch (IOException | RuntimeException e) {
            if (catchUp != null) {
                catchUp.close();
            }
            database.close();
            throw e;
        }
        try {
            node.startModules();
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

    public Accounts accounts() {
        return accounts;
    }

    public AccessControl access() {
        return access;
    }

    public int port() {
        return listener.localPort();
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
        if (catchUp != null) {
            catchUp.close();
        }
        storage.close();
        database.close();
        LOG.info("CAP Server stopped");
    }
}
