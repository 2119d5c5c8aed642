package org.cardiacatlas.cap.scp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.network.Association;
import org.junit.jupiter.api.Test;

/** When a message goes as one P-DATA-TF PDU: never longer than the peer said it receives. */
class MessagesTest {

    /** An association whose peer announced that maximum length (PS3.8 D.1.1). */
    static final class Peer extends Association {
        Peer(int maximum) {
            maximumLengthReceived = maximum;
        }

        @Override
        public String getCallingAEHostName() {
            return "peer";
        }

        @Override
        public String getCalledAEHostName() {
            return "node";
        }

        @Override
        public int getCallingAEPort() {
            return 0;
        }

        @Override
        public int getCalledAEPort() {
            return 0;
        }
    }

    @Test
    void aCommandAndItsDataSetShareOnePduOnlyWhenBothPdvItemsFit() {
        // two PDV items: 4 bytes of length, a context ID and a control header each
        assertTrue(Messages.fitsOnePdu(new Peer(16384), 16384 - 12));
        assertFalse(Messages.fitsOnePdu(new Peer(16384), 16384 - 11));
        assertFalse(Messages.fitsOnePdu(new Peer(4096), 20_000));
        // 0: the peer set no maximum
        assertTrue(Messages.fitsOnePdu(new Peer(0), 1 << 24));
    }
}
