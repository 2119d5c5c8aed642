package org.cardiacatlas.cap.scp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A connection's input with deadlines that count whole PDUs (PS3.8 9.3.1: type, reserved,
 * 4-byte length), not bytes: the first PDU (the A-ASSOCIATE-RQ) must be complete within the
 * associate timeout of the accept, and each later PDU within the idle timeout of the end of
 * the one before. A peer that trickles a byte now and then cannot hold a connection, because
 * every read waits only for what remains of the deadline (PS3.8 9.1.4, ARTIM).
 */
final class PduDeadlineStream extends InputStream {

    private final InputStream in;
    private final Socket socket;
    private final long idleNanos;
    private volatile long deadline;
    private final byte[] header = new byte[6];
    private int headerSeen;
    private long bodyLeft;

    PduDeadlineStream(Socket socket, long firstPduMillis, long idleMillis) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.idleNanos = idleMillis * 1_000_000L;
        this.deadline = System.nanoTime() + firstPduMillis * 1_000_000L;
    }

    private synchronized void arm() throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
            throw new SocketTimeoutException("PDU not complete in time");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        int n = read(b, 0, 1);
        return n < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        arm();
        int n = in.read(b, off, len);
        if (n > 0) {
            track(b, off, n);
        }
        return n;
    }

    private void track(byte[] b, int off, int n) {
        int i = off;
        int end = off + n;
        while (i < end) {
            if (headerSeen < 6) {
                header[headerSeen++] = b[i++];
                if (headerSeen == 6) {
                    bodyLeft = ((header[2] & 0xffL) << 24) | ((header[3] & 0xffL) << 16) | ((header[4] & 0xffL) << 8)
                            | (header[5] & 0xffL);
                    if (bodyLeft == 0) {
                        pduComplete();
                    }
                }
            } else {
                long take = Math.min(bodyLeft, end - i);
                i += (int) take;
                bodyLeft -= take;
                if (bodyLeft == 0) {
                    pduComplete();
                }
            }
        }
    }

    /** We answered: the peer's next PDU is due within the idle timeout from now. */
    synchronized void touch() {
        if (headerSeen == 0) {
            deadline = System.nanoTime() + idleNanos;
        }
    }

    private synchronized void pduComplete() {
        headerSeen = 0;
        deadline = System.nanoTime() + idleNanos;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
