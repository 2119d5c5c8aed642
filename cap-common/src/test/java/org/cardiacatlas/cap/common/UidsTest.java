package org.cardiacatlas.cap.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UidsTest {

    @Test
    void acceptsDicomUids() {
        assertTrue(Uids.isValid("1.2.840.10008.5.1.4.1.1.4"));
        assertTrue(Uids.isValid("2.25.0"));
        assertTrue(Uids.isValid("1.2.826.0.1.3680043.8.498.11111111111111111111111111111111111111"));
    }

    @Test
    void refusesWhatCouldBeAPathOrIsNotAUid() {
        for (String bad : new String[] {null, "", "..", "../../etc/passwd", "1.2/3", "1..2", ".1.2", "1.2.", "1.02",
                "1.2.3 ", "1.2.a", "1.2.3\u0000", "1.2.826.0.1.3680043.8.498.111111111111111111111111111111111111111"}) {
            assertFalse(Uids.isValid(bad), String.valueOf(bad));
        }
    }
}
