package org.cardiacatlas.cap.scp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the DICOM port and serves each connection on a thread of its own, up to the
 * configured number of associations; past that, the request is rejected as transient.
 */
public final class DicomListener {

    private static final Logger LOG = LoggerFactory.getLogger(DicomListener.class);

    private final AssociationHandler.Settings settings;
    private final int maxAssociations;
    private final DimseDispatcher dispatcher;
    private final ServicePresentationContextPolicy policy;
    private final ExecutorService workers;
    /** Associations admitted (complete A-ASSOCIATE-RQ, within the limits): what --max-associations counts. */
    private final AtomicInteger running = new AtomicInteger();
    /** Connections still sending their A-ASSOCIATE-RQ: they hold no association slot (issue 10). */
    private final AtomicInteger pending = new AtomicInteger();
    private final int maxPending;
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private volatile long lastPendingWarn;
    private final Map<Socket, AssociationContext> open = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private ServerSocket server;
    private Thread acceptor;
    /** The DICOM TLS port, when configured (issue 10). */
    private ServerSocket tlsServer;
    private Thread tlsAcceptor;

    public DicomListener(String aet, boolean checkCalledAet, Set<String> allowedCallingAets, int maxPduLength,
            int idleTimeoutSeconds, int maxAssociations, DimseServiceRegistry registry) {
        this(aet, checkCalledAet, allowedCallingAets, maxPduLength, idleTimeoutSeconds, maxAssociations, 10,
                Integer.MAX_VALUE, registry);
    }

    /**
     * @param associateTimeoutSeconds the whole A-ASSOCIATE-RQ must arrive within this time of the accept
     * @param maxPerAddress connections at once from one IP address (pending and associated)
     */
    public DicomListener(String aet, boolean checkCalledAet, Set<String> allowedCallingAets, int maxPduLength,
            int idleTimeoutSeconds, int maxAssociations, int associateTimeoutSeconds, int maxPerAddress,
            DimseServiceRegistry registry) {
        this.settings = new AssociationHandler.Settings(aet, checkCalledAet, allowedCallingAets, maxPduLength,
                idleTimeoutSeconds * 1000, maxAssociations, associateTimeoutSeconds * 1000, maxPerAddress);
        this.maxPending = Math.max(64, maxAssociations * 4);
        this.maxAssociations = maxAssociations;
        this.dispatcher = new DimseDispatcher(registry, () -> stopping);
        this.policy = new ServicePresentationContextPolicy(registry);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "assoc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public void start(String bind, int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        InetSocketAddress address = bind.isEmpty() ? new InetSocketAddress(port)
                : new InetSocketAddress(InetAddress.getByName(bind), port);
        server.bind(address, 128);
        ServerSocket plain = server;
        acceptor = new Thread(() -> acceptLoop(plain), "dicom-listener");
        acceptor.start();
        LOG.info("listening on {} as {}", server.getLocalSocketAddress(), settings.aet());
    }

    /** The TLS port beside the plain one: the same associations, over TLS 1.2/1.3 ({@link Tls}). */
    public void startTls(String bind, int port, javax.net.ssl.SSLContext context, boolean clientAuth) throws IOException {
        javax.net.ssl.SSLServerSocket s = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket();
        Tls.restrict(s, clientAuth);
        s.setReuseAddress(true);
        InetSocketAddress address = bind.isEmpty() ? new InetSocketAddress(port)
                : new InetSocketAddress(InetAddress.getByName(bind), port);
        s.bind(address, 128);
        tlsServer = s;
        tlsAcceptor = new Thread(() -> acceptLoop(s), "dicom-tls-listener");
        tlsAcceptor.start();
        LOG.info("listening with TLS ({}) on {} as {}{}", String.join(", ", s.getEnabledProtocols()),
                s.getLocalSocketAddress(), settings.aet(), clientAuth ? ", client certificates required" : "");
    }

    public int localPort() {
        return server.getLocalPort();
    }

    public int tlsPort() {
        return tlsServer == null ? -1 : tlsServer.getLocalPort();
    }

    private void acceptLoop(ServerSocket server) {
        boolean tls = server instanceof javax.net.ssl.SSLServerSocket;
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("accept failed: {}", e.getMessage());
                }
                continue;
            }
            String address = s.getInetAddress().getHostAddress();
            if (pending.get() >= maxPending) {
                // so many half-open requests that only closing keeps the node serving
                long now = System.nanoTime();
                if (now - lastPendingWarn > 10_000_000_000L) {
                    lastPendingWarn = now;
                    LOG.warn("connection from {} closed: {} connections are still sending their A-ASSOCIATE-RQ",
                            address, maxPending);
                }
                closeQuietly(s);
                continue;
            }
            pending.incrementAndGet();
            int fromAddress = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            AssociationContext ctx = new AssociationContext(address + ":" + s.getPort() + (tls ? " TLS" : ""));
            open.put(s, ctx);
            boolean[] admitted = {false, false};
            AssociationHandler.Admission admission = () -> {
                pending.decrementAndGet();
                admitted[1] = true;
                if (fromAddress > settings.maxPerAddress()) {
                    return fromAddress + " connections from " + address + ", at most " + settings.maxPerAddress();
                }
                if (running.incrementAndGet() > maxAssociations) {
                    running.decrementAndGet();
                    return "the maximum of " + maxAssociations + " associations are running";
                }
                admitted[0] = true;
                return null;
            };
            Runnable onEnd = () -> {
                open.remove(s);
                if (admitted[0]) {
                    running.decrementAndGet();
                }
                if (!admitted[1]) {
                    pending.decrementAndGet();
                }
                perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
            };
            try {
                workers.execute(new AssociationHandler(s, ctx, settings, dispatcher, policy, admission, onEnd));
            } catch (RuntimeException e) {
                onEnd.run();
                LOG.error("cannot serve connection from {}: {}", s.getRemoteSocketAddress(), e.toString());
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /**
     * Stops accepting; associations between requests are closed at once, those in the middle
     * of one end after its response (so a running store finishes, or fails visibly). Whatever
     * still runs after the grace period has its connection closed.
     */
    public void stop(long graceSeconds) {
        stopping = true;
        for (ServerSocket ss : new ServerSocket[] {server, tlsServer}) {
            try {
                if (ss != null) {
                    ss.close();
                }
            } catch (IOException ignored) {
                // closing
            }
        }
        open.forEach((s, ctx) -> {
            if (!ctx.busy) {
                ctx.closedByStop = true;
                closeQuietly(s);
            }
        });
        workers.shutdown();
        try {
            if (!workers.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
                LOG.warn("{} associations still running after {} s: closing their connections", running.get(),
                        graceSeconds);
                open.forEach((s, ctx) -> {
                    ctx.closedByStop = true;
                    closeQuietly(s);
                });
                workers.awaitTermination(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    public int runningAssociations() {
        return running.get();
    }
}
