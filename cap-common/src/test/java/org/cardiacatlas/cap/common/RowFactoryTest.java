package org.cardiacatlas.cap.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objects MyBatis maps rows into: package-private row classes of other packages too. */
class RowFactoryTest {

    @Test
    void makesPackagePrivateRowsOfAnotherPackageAndTheCollectionsMyBatisAsksFor() throws Exception {
        Database.RowFactory f = new Database.RowFactory();
        Class<?> hidden = Class.forName("org.cardiacatlas.cap.common.rows.HiddenRow");
        Object a = f.create(hidden);
        Object b = f.create(hidden);
        assertInstanceOf(hidden, a);
        assertNotSame(a, b);
        java.lang.reflect.Field v = hidden.getDeclaredField("value");
        v.setAccessible(true);
        assertEquals("made", v.get(a));
        assertInstanceOf(java.util.ArrayList.class, f.create(List.class));
        assertInstanceOf(java.util.HashMap.class, f.create(Map.class));
        assertEquals("x", f.create(String.class, List.of(String.class), List.of("x")));
    }
}
