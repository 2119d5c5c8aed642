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
        if (data != null && fitsOnePdu(a, command.length + data.length)) {
            // a C-FIND answer and its command in one PDU, one write (issue 16: 50 answers, 100
            // writes, were a quarter of a C-FIND's CPU)
            a.send(pc, command, data);
            return;
        }
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

    /**
     * Whether a command and a data set of that many bytes in all fit one P-DATA-TF PDU to the
     * peer: two PDV items, each with its 4-byte length, presentation context ID and control
     * header (PS3.8 9.3.5.1).
     */
    static boolean fitsOnePdu(Association a, int commandAndDataLength) {
        int max = com.pixelmed.network.PeerLimits.maximumPDataLength(a);
        return max == 0 || (long) commandAndDataLength + 2 * 6 <= max;
    }
}
