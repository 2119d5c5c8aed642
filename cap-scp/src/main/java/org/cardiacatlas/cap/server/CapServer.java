package org.cardiacatlas.cap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.cardiacatlas.cap.store.StoreCompression;
import org.cardiacatlas.cap.store.PacsIndex;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;
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

    private final Database database;
    private final ArchiveStorage storage;
    private final DicomListener listener;
    private final XpacsCatchUp catchUp;
    /** --store-compression's background pass, when on. */
    private StoreCompression compression;

    private CapServer(Database database, ArchiveStorage storage, DicomListener listener, XpacsCatchUp catchUp) {
        this.database = database;
        this.storage = storage;
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
        mappers.addAll(StoreCompression.mappers());
        Database database = Database.open(config, mappers);
        XpacsCatchUp catchUp = null;
        try {
            // a bad value stops the start before anything listens
            String compressTo = StoreCompression.syntaxOf(config.get(CapConfig.Option.STORE_COMPRESSION));
            ArchiveStorage storage = new ArchiveStorage(config.storageDir());
            XpacsSync xpacs = new XpacsSync(config.get(CapConfig.Option.CAP_ID_PATTERN));
            XpacsHook hook = xpacs;
            if (database.xpacsOnOtherServer()) {
                hook = new XpacsDeferred(xpacs);
                catchUp = new XpacsCatchUp(database.sessions(), database.xpacsSessions(), xpacs, database::prepareXpacs);
                catchUp.start(config.integer(CapConfig.Option.XPACS_RETRY));
            }
            PacsIndex index = new PacsIndex(database.sessions(), config.aet(), storage.root().toString(), hook);
            DimseServiceRegistry registry = new DimseServiceRegistry()
                    .register(new CEchoScp())
                    .register(new CStoreScp(storage, index))
                    .register(new CFindScp(new PacsQuery(database.sessions(), config.aet(),
                            config.integer(CapConfig.Option.MAX_MATCHES),
                            config.bool(CapConfig.Option.CASE_SENSITIVE_NAMES))));
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
            CapServer server = new CapServer(database, storage, listener, catchUp);
            if (compressTo != null) {
                server.compression = new StoreCompression(database.sessions(), storage, index.filesystemPk(), new Codec(),
                        compressTo);
                server.compression.start(1000);
            }
            return server;
        } catch (IOException | RuntimeException e) {
            if (catchUp != null) {
                catchUp.close();
            }
            database.close();
            throw e;
        }
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
        listener.stop(STOP_GRACE_SECONDS);
        if (compression != null) {
            compression.close();
        }
        if (catchUp != null) {
            catchUp.close();
        }
        storage.close();
        database.close();
        LOG.info("CAP Server stopped");
    }
}
