package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Requests this node sends to the peer on an association the peer opened, from another thread
 * than the association's own (the N-EVENT-REPORT-RQ of Storage Commitment, PS3.4 J.3.3). The
 * association's thread keeps reading; the responses it receives are handed over here by
 * message ID. Messages leave under one lock, so they never interleave with the responses the
 * association's thread sends.
 */
public final class PeerRequests {

    private final Object sendLock = new Object();
    private final Map<Integer, CompletableFuture<AttributeList>> outstanding = new ConcurrentHashMap<>();
    private volatile Association association;
    private volatile boolean open;
    private int nextMessageId = 0x8000;

    void attach(Association a) {
        this.association = a;
        this.open = true;
    }

    Object sendLock() {
        return sendLock;
    }

    /** Whether the association is still there to carry a request. */
    public boolean open() {
        return open;
    }

    /** The association is over: whoever waits for a response gets an IOException. */
    void close() {
        open = false;
        outstanding.values().forEach(f -> f.completeExceptionally(new IOException("association ended")));
        outstanding.clear();
    }

    /** A response command from the peer; false if no request of ours waits for it. */
    boolean complete(AttributeList responseCommand) {
        int id = Attribute.getSingleIntegerValueOrDefault(responseCommand, TagFromName.MessageIDBeingRespondedTo, -1);
        CompletableFuture<AttributeList> f = outstanding.remove(id);
        if (f == null) {
            return false;
        }
        f.complete(responseCommand);
        return true;
    }

    /**
     * Sends a request on the presentation context of this abstract syntax and waits for its
     * response.
     *
     * @param command builds the command set for the given Message ID
     * @return the response command set
     */
    public AttributeList request(String abstractSyntax, IntFunction<byte[]> command, AttributeList dataSet,
            long timeoutMillis) throws IOException {
        Association a = association;
        if (!open || a == null) {
            throw new IOException("association no longer open");
        }
        CompletableFuture<AttributeList> f = new CompletableFuture<>();
        int id;
        try {
            byte pc = a.getSuitablePresentationContextID(abstractSyntax);
            byte[] data = dataSet == null ? null
                    : ResponseChannel.encode(dataSet, a.getTransferSyntaxForPresentationContextID(pc));
            synchronized (sendLock) {
                id = nextMessageId++ & 0xffff;
                outstanding.put(id, f);
                Messages.send(a, pc, command.apply(id), data);
            }
        } catch (DicomNetworkException e) {
            throw new IOException("cannot send on the association: " + e.getMessage(), e);
        }
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            outstanding.remove(id);
            throw new IOException("no response within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
