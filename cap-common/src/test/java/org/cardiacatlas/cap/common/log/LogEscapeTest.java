package org.cardiacatlas.cap.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class LogEscapeTest {

    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertEquals("EVIL\\n2026-12-01 ERROR forged", LogEscape.escape("EVIL\n2026-12-01 ERROR forged"));
        assertEquals("A\\x1b[31mB\\r\\t\\x00\\x7f\\x85\\x2028", LogEscape.escape("A\u001b[31mB\r\t\u0000\u007f\u0085\u2028"));
        String plain = "STORESCU Yamada^Tarou=山田^太郎";
        assertSame(plain, LogEscape.escape(plain));
    }
}
