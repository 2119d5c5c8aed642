package org.cardiacatlas.cap.scp;

import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import java.io.IOException;
import java.io.OutputStream;

/** Sending one DIMSE message. */
final class Messages {

    private Messages() {
    }

    /**
     * The command, then the data set (if any) through PixelMed's association output stream, which
     * cuts it into P-DATA PDUs of the peer's maximum length; Association.send with a data array
     * does not, and a peer with a small maximum (DCMTK's 16 kB) aborts.
     */
    static void send(Association a, byte pc, byte[] command, byte[] data) throws DicomNetworkException {
        a.send(pc, command, null);
        if (data != null) {
            try {
                OutputStream out = a.getAssociationOutputStream(pc);
                out.write(data);
                out.close();
            } catch (IOException e) {
                throw new DicomNetworkException("cannot send data set: " + e.getMessage());
            }
        }
    }
}
