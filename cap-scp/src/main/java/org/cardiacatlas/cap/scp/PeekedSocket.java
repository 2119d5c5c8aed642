package org.cardiacatlas.cap.scp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The accepted socket with the already-read A-ASSOCIATE-RQ put back in front of its input,
 * for PixelMed's acceptor. Delegates every method PixelMed's Association uses.
 */
final class PeekedSocket extends Socket {

    private static final ScheduledExecutorService WAKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "release-waker");
        t.setDaemon(true);
        return t;
    });

    private final Socket s;
    private final InputStream in;
    private final InputStream rest;
    private final OutputStream out;
    private volatile Object releaseMonitor;

    /** @param acceptSubItems User Information sub-items to add to the A-ASSOCIATE-AC (ExtendedNegotiation) */
    PeekedSocket(Socket s, byte[] peeked, InputStream rest, byte[] acceptSubItems) throws IOException {
        this.s = s;
        this.rest = rest;
        this.in = new SequenceInputStream(new ByteArrayInputStream(peeked), rest);
        // PixelMed writes each PDU header byte by byte and flushes after every PDU: buffered, a PDU
        // leaves as one write instead of a dozen one-byte TCP segments (TCP_NODELAY is on)
        this.out = new BufferedOutputStream(
                ExtendedNegotiation.acceptRewriter(new ReleaseWatchingStream(s.getOutputStream()), acceptSubItems),
                64 * 1024);
    }

    /**
     * After its A-RELEASE-RP PixelMed waits a fixed 5 s on the association's monitor before it
     * closes the connection (ARTIM, PS3.8 9.1.4) even when the peer has closed at once, which
     * would hold a thread per association. Given the association, this wakes that wait.
     */
    void wakeAfterRelease(Object association) {
        this.releaseMonitor = association;
    }

    private final class ReleaseWatchingStream extends FilterOutputStream {
        ReleaseWatchingStream(OutputStream o) {
            super(o);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            if (rest instanceof PduDeadlineStream d) {
                d.touch();
            }
            // A-RELEASE-RP: type 0x06, length 4 (PS3.8 9.3.7)
            Object monitor = releaseMonitor;
            if (monitor != null && len == 10 && b[off] == 0x06) {
                for (long delay : new long[] {20, 100, 500}) {
                    WAKER.schedule(() -> {
                        synchronized (monitor) {
                            monitor.notifyAll();
                        }
                    }, delay, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public InetAddress getInetAddress() {
        return s.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return s.getLocalAddress();
    }

    @Override
    public int getPort() {
        return s.getPort();
    }

    @Override
    public int getLocalPort() {
        return s.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return s.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return s.getLocalSocketAddress();
    }

    /** The deadlines are PduDeadlineStream's: PixelMed's own timeout setting is not passed on. */
    @Override
    public synchronized void setSoTimeout(int timeout) {
        // ignored, see above
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
        return s.getSoTimeout();
    }

    @Override
    public synchronized void setReceiveBufferSize(int size) throws SocketException {
        s.setReceiveBufferSize(size);
    }

    @Override
    public synchronized int getReceiveBufferSize() throws SocketException {
        return s.getReceiveBufferSize();
    }

    @Override
    public synchronized void setSendBufferSize(int size) throws SocketException {
        s.setSendBufferSize(size);
    }

    @Override
    public synchronized int getSendBufferSize() throws SocketException {
        return s.getSendBufferSize();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        s.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return s.getTcpNoDelay();
    }

    @Override
    public int getSoLinger() throws SocketException {
        return s.getSoLinger();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        s.setSoLinger(on, linger);
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (!(s instanceof javax.net.ssl.SSLSocket)) {
            s.shutdownOutput();
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        if (!(s instanceof javax.net.ssl.SSLSocket)) {
            s.shutdownInput();
        }
    }

    @Override
    public boolean isClosed() {
        return s.isClosed();
    }

    @Override
    public boolean isConnected() {
        return s.isConnected();
    }

    @Override
    public synchronized void close() throws IOException {
        s.close();
    }
}
