package org.cardiacatlas.cap.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditTest {

    @Test
    void statusIsFourUpperCaseHexDigits() {
        assertEquals("0000", Audit.statusHex(0));
        assertEquals("0124", Audit.statusHex(0x0124));
        assertEquals("A700", Audit.statusHex(0xA700));
        assertEquals("C000", Audit.statusHex(0xC000));
        assertEquals("FF00", Audit.statusHex(0xFF00));
    }

    @Test
    void jsonQuotesStringsAndEscapesControlCharacters() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("op", "C-STORE");
        f.put("size", 131072L);
        f.put("calling", "EVIL\"\n\u0001");
        assertEquals("{\"op\":\"C-STORE\",\"size\":131072,\"calling\":\"EVIL\\\"\\n\\u0001\"}", Audit.json(f));
    }
}
