package org.cardiacatlas.cap.query;

import java.util.List;

/**
 * One condition of a C-FIND query, ANDed with the others: it holds when any of its tests
 * does (a multi-valued key, or a person name against its three component groups). The
 * column and operator of a test are names that FindMapper.xml turns into fixed SQL; values
 * are bound parameters.
 */
final class SqlCondition {

    /** Operators of FindMapper.xml; _BIN compares binary, _BOTH by the column's collation and binary. */
    enum Op { EQ, EQ_BIN, EQ_BOTH, LIKE, LIKE_BIN, LIKE_BOTH, IN, RANGE, TIME_RANGE }

    /** Where a study-level test looks: the study row's own columns, or any of its series or instances. */
    enum Exists { NONE, SERIES, INSTANCE }

    static final class Test {
        private final String column;
        private final Op op;
        private final Exists exists;
        private final Object value;
        private final List<?> values;
        private final Object from;
        private final Object to;

        /** What FindMapper.xml puts into the SQL as it is: a table alias and a column name. */
        private static final java.util.regex.Pattern COLUMN = java.util.regex.Pattern.compile("(p|st|se|i|ms|mi)\\.[a-z_]+");

        private Test(String column, Op op, Exists exists, Object value, List<?> values, Object from, Object to) {
            if (!COLUMN.matcher(column).matches()) {
                throw new IllegalArgumentException("not a column of the query: " + column);
            }
            this.column = column;
            this.op = op;
            this.exists = exists;
            this.value = value;
            this.values = values;
            this.from = from;
            this.to = to;
        }

        static Test compare(String column, Op op, Object value) {
            return new Test(column, op, Exists.NONE, value, List.of(), null, null);
        }

        static Test in(String column, List<?> values) {
            return new Test(column, Op.IN, Exists.NONE, null, values, null, null);
        }

        /** Both bounds inclusive for TIME_RANGE; for RANGE the upper one is exclusive. */
        static Test range(String column, Op op, Object from, Object to) {
            return new Test(column, op, Exists.NONE, null, List.of(), from, to);
        }

        Test within(Exists e) {
            return new Test(column, op, e, value, values, from, to);
        }

        public String getColumn() {
            return column;
        }

        public String getOp() {
            return op.name();
        }

        public String getExists() {
            return exists.name();
        }

        public Object getValue() {
            return value;
        }

        public List<?> getValues() {
            return values;
        }

        public Object getFrom() {
            return from;
        }

        public Object getTo() {
            return to;
        }

        @Override
        public String toString() {
            return column + " " + op + (exists == Exists.NONE ? "" : " in " + exists) + " "
                    + (op == Op.IN ? values : op == Op.RANGE || op == Op.TIME_RANGE ? from + ".." + to : value);
        }
    }

    private final List<Test> anyOf;

    SqlCondition(List<Test> anyOf) {
        this.anyOf = List.copyOf(anyOf);
    }

    public List<Test> getAnyOf() {
        return anyOf;
    }

    @Override
    public String toString() {
        return anyOf.toString();
    }
}
