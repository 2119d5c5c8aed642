package org.cardiacatlas.cap.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.scripting.defaults.RawSqlSource;
import org.apache.ibatis.session.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The statement of one new instance of a known series (issue 16): built once by MyBatis, and the
 * same statements, in the same order, as a group of one made of the same fragments.
 */
class InstanceMapperTest {

    @Test
    void oneInstanceIsAStaticStatementWithTheStatementsOfAGroupOfOne() {
        Configuration c = new Configuration();
        Properties v = new Properties();
        v.setProperty("pacs", "pacs");
        v.setProperty("xpacs", "xpacs");
        c.setVariables(v);
        c.addMapper(InstanceMapper.class);
        MappedStatement one = c.getMappedStatement(InstanceMapper.class.getName() + ".insertOneIntoKnownSeries");
        MappedStatement group = c.getMappedStatement(InstanceMapper.class.getName() + ".insertGroupIntoKnownSeries");
        assertInstanceOf(RawSqlSource.class, one.getSqlSource());

        NewInstance n = new NewInstance(new InstanceRow(), new FileRow(), 7, 3, "1.2.3", "1.2.840.10008.5.1.4.1.1.4");
        n.pendingNode = "node";
        n.pendingToken = 42L;
        List<String> expected = List.of("UPDATE pacs.study SET num_instances", "UPDATE pacs.study SET cuids_in_study",
                "INSERT INTO pacs.instance", "INSERT INTO pacs.files", "INSERT INTO pacs.store_pending",
                "UPDATE pacs.series SET num_instances");
        assertEquals(expected, heads(one.getBoundSql(n).getSql()));
        assertEquals(expected, heads(group.getBoundSql(new GroupOfInstances(n)).getSql()));
        // every value bound: the instance's, its file's, its pending row's, study and series keys
        assertEquals(group.getBoundSql(new GroupOfInstances(n)).getParameterMappings().size(),
                one.getBoundSql(n).getParameterMappings().size() + 2);
    }

    /** Each statement's first words, whitespace collapsed. */
    private static List<String> heads(String sql) {
        return Arrays.stream(sql.split(";")).map(s -> s.trim().replaceAll("\\s+", " ")).filter(s -> !s.isEmpty())
                .map(s -> s.startsWith("INSERT") ? s.substring(0, s.indexOf(" (")) : s.substring(0,
                        s.indexOf(' ', s.indexOf("SET ") + 4)))
                .toList();
    }
}
