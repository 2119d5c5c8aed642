package org.cardiacatlas.cap.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A test SCU's way to relational queries: DCMTK's findscu has no option for SOP Class Extended
 * Negotiation, and PixelMed's initiator writes none, so this proxy between RawFind and the
 * server adds the sub-item 56H (PS3.7 D.3.3.5) asking for relational queries (PS3.4 C.5.1.1.1)
 * to the A-ASSOCIATE-RQ, and keeps the A-ASSOCIATE-AC that comes back.
 */
final class RelationalProxy implements AutoCloseable {

    private final ServerSocket listen;
    private final int target;
    private final String sopClass;
    private final byte[] info;
    volatile byte[] accept;

    RelationalProxy(int targetPort, String sopClass) throws IOException {
        this(targetPort, sopClass, new byte[] {1});
    }

    /** With the service-class application information to ask for (PS3.4 C.5.1.1.2: relational, date-time, fuzzy names). */
    RelationalProxy(int targetPort, String sopClass, byte[] info) throws IOException {
        this.listen = new ServerSocket(0);
        this.target = targetPort;
        this.sopClass = sopClass;
        this.info = info.clone();
        Thread t = new Thread(this::serve, "relational-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listen.getLocalPort();
    }

    private void serve() {
        try (Socket client = listen.accept(); Socket server = new Socket("127.0.0.1", target)) {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            byte[] rq = readPdu(client.getInputStream());
            server.getOutputStream().write(withSubItem(rq, subItem(sopClass, info)));
            server.getOutputStream().flush();
            byte[] ac = readPdu(server.getInputStream());
            accept = ac;
            client.getOutputStream().write(ac);
            client.getOutputStream().flush();
            Thread back = new Thread(() -> pump(server, client));
            back.setDaemon(true);
            back.start();
            pump(client, server);
            back.join(10_000);
        } catch (IOException | InterruptedException e) {
            // the test sees what arrived
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] b = new byte[65536];
            int n;
            while ((n = in.read(b)) > 0) {
                out.write(b, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // closed
        }
    }

    static byte[] readPdu(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] head = new byte[6];
        d.readFully(head);
        int len = ((head[2] & 0xff) << 24) | ((head[3] & 0xff) << 16) | ((head[4] & 0xff) << 8) | (head[5] & 0xff);
        byte[] all = new byte[6 + len];
        System.arraycopy(head, 0, all, 0, 6);
        d.readFully(all, 6, len);
        return all;
    }

    /** SOP Class Extended Negotiation asking for relational queries, and nothing else (PS3.4 C.5.1.1.1). */
    static byte[] subItem(String sopClass) {
        return subItem(sopClass, new byte[] {1});
    }

    static byte[] subItem(String sopClass, byte[] info) {
        byte[] uid = sopClass.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int len = 2 + uid.length + info.length;
        b.write(0x56);
        b.write(0);
        b.write(len >> 8);
        b.write(len);
        b.write(uid.length >> 8);
        b.write(uid.length);
        b.writeBytes(uid);
        b.writeBytes(info);
        return b.toByteArray();
    }

    /** The PDU with the sub-item appended to its User Information item (50H). */
    static byte[] withSubItem(byte[] pdu, byte[] sub) {
        int p = 74;
        while (p + 4 <= pdu.length) {
            int len = ((pdu[p + 2] & 0xff) << 8) | (pdu[p + 3] & 0xff);
            if ((pdu[p] & 0xff) == 0x50) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(pdu, 0, p + 4 + len);
                b.writeBytes(sub);
                b.write(pdu, p + 4 + len, pdu.length - p - 4 - len);
                byte[] out = b.toByteArray();
                int ui = len + sub.length;
                out[p + 2] = (byte) (ui >> 8);
                out[p + 3] = (byte) ui;
                int total = out.length - 6;
                out[2] = (byte) (total >> 24);
                out[3] = (byte) (total >> 16);
                out[4] = (byte) (total >> 8);
                out[5] = (byte) total;
                return out;
            }
            p += 4 + len;
        }
        throw new IllegalStateException("no User Information item");
    }

    /** Whether an A-ASSOCIATE-AC grants relational queries for the SOP Class. */
    static boolean grantsRelational(byte[] ac, String sopClass) {
        return answers(ac, subItem(sopClass));
    }

    /** Whether an A-ASSOCIATE-AC holds exactly this sub-item. */
    static boolean answers(byte[] ac, byte[] want) {
        outer:
        for (int i = 0; i + want.length <= ac.length; i++) {
            for (int j = 0; j < want.length; j++) {
                if (ac[i + j] != want[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        listen.close();
    }
}
