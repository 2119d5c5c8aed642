package org.cardiacatlas.cap.query;

import com.pixelmed.dicom.AttributeList;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.ibatis.binding.MapperMethod;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.scripting.defaults.DefaultParameterHandler;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.common.DicomServiceException;

/**
 * The query unit: C-FIND over the PACS schema (PS3.4 C.4.1). Matches are read page by page in
 * the primary key order of the query level and handed on one by one, so neither a large
 * answer nor a cancelled one is ever held whole; more than the configured maximum of matches
 * ends the answer with A700.
 */
public final class PacsQuery {

    /** Rows read per round trip; the first answer goes out after the first page. */
    static final int PAGE = 200;

    /** Where the matches go, and whether the peer still wants them. */
    public interface MatchSink {
        /** Whether the peer has cancelled the query (PS3.7 9.1.2.1.6): no further match is sent. */
        boolean cancelled();

        /**
         * One match.
         *
         * @param unsupportedKeys the identifier has keys the archive ignored for matching (FF01)
         */
        void pending(AttributeList identifier, boolean unsupportedKeys);
    }

    /** How a query ended when it did not fail. */
    public record Result(boolean cancelled, int matches) {
    }

    private final SqlSessionFactory sessions;
    private final String retrieveAet;
    private final int maxMatches;
    private final boolean caseSensitiveNames;
    private final boolean strictQueries;

    /**
     * @param maxMatches the most matches one query answers (0: no limit)
     * @param caseSensitiveNames person names compare case- and accent-sensitively, not by the
     *        database's case-insensitive collation (PS3.4 C.2.2.2.1 allows either)
     */
    public PacsQuery(SqlSessionFactory sessions, String retrieveAet, int maxMatches, boolean caseSensitiveNames) {
        this(sessions, retrieveAet, maxMatches, caseSensitiveNames, false);
    }

    /**
     * @param strictQueries hierarchical queries are read strictly (PS3.4 C.4.1.2.1): a missing
     *        unique key above the level is refused, not universal ({@link QueryMode})
     */
    public PacsQuery(SqlSessionFactory sessions, String retrieveAet, int maxMatches, boolean caseSensitiveNames,
            boolean strictQueries) {
        this.sessions = sessions;
        this.retrieveAet = retrieveAet;
        this.maxMatches = maxMatches;
        this.caseSensitiveNames = caseSensitiveNames;
        this.strictQueries = strictQueries;
    }

    /** The mode of a query: relational when the SCU negotiated it, else hierarchical as configured. */
    public QueryMode mode(boolean relationalNegotiated) {
        return relationalNegotiated ? QueryMode.RELATIONAL : strictQueries ? QueryMode.STRICT : QueryMode.LENIENT;
    }

    public static List<Class<?>> mappers() {
        return List.of(FindMapper.class);
    }

    public Result find(InformationModel model, AttributeList identifier, MatchSink sink) throws DicomServiceException {
        return find(model, identifier, mode(false), FindOptions.DIMSE, sink);
    }

    /** A C-FIND in the mode its association allows ({@link #mode}). */
    public Result find(InformationModel model, AttributeList identifier, QueryMode mode, MatchSink sink)
            throws DicomServiceException {
        return find(model, identifier, mode, FindOptions.DIMSE, sink);
    }

    /**
     * A query with options: the cohorts of the asker (AccessControl) become a condition of the
     * same SQL, ANDed with the identifier's; see FindOptions. Not relational, it is read in the
     * node's hierarchical mode (lenient unless --strict-queries).
     */
    public Result find(InformationModel model, AttributeList identifier, FindOptions options, MatchSink sink)
            throws DicomServiceException {
        return find(model, identifier, options.relational() ? QueryMode.RELATIONAL : mode(false), options, sink);
    }

    /** A C-FIND in the mode its association allows, with the options it negotiated (fuzzy names). */
    public Result find(InformationModel model, AttributeList identifier, QueryMode mode, FindOptions options,
            MatchSink sink) throws DicomServiceException {
        FindRequest rq = FindRequest.parse(model, identifier, caseSensitiveNames, mode, options);
        Answers answers = new Answers(rq, retrieveAet);
        int matches = 0;
        long after = 0;
        while (true) {
            if (sink.cancelled()) {
                return new Result(true, matches);
            }
            List<MatchRow> page = page(rq, after);
            for (MatchRow row : page) {
                after = row.pk(rq.level);
                AttributeList answer = answers.answer(row);
                if (answer == null) {
                    continue;
                }
                if (maxMatches > 0 && matches == maxMatches) {
                    throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                            "more than " + maxMatches + " matches: narrow the query");
                }
                // the peer's C-CANCEL-RQ is looked for before every match (PS3.4 C.4.1.3.1)
                if (sink.cancelled()) {
                    return new Result(true, matches);
                }
                sink.pending(answer, rq.unsupportedKeys);
                matches++;
            }
            if (page.size() < PAGE) {
                return new Result(false, matches);
            }
        }
    }

    /**
     * One page in a session of its own: the connection goes back to the pool before the page's
     * answers go out, however slowly the peer reads them.
     */
    private List<MatchRow> page(FindRequest rq, long after) throws DicomServiceException {
        try (SqlSession s = sessions.openSession()) {
            return s.getMapper(FindMapper.class).selectMatches(rq.sql, after, PAGE);
        } catch (PersistenceException e) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                    "database failure: " + org.cardiacatlas.cap.common.Database.rootMessage(e), e);
        }
    }

    /**
     * The database's plan (EXPLAIN) of the first page of a query: what bin/bench-find prints to
     * show which indexes a query uses.
     */
    public List<String> explain(InformationModel model, AttributeList identifier) throws DicomServiceException {
        FindRequest rq = FindRequest.parse(model, identifier, caseSensitiveNames, mode(false), FindOptions.DIMSE);
        MappedStatement ms = sessions.getConfiguration()
                .getMappedStatement(FindMapper.class.getName() + ".selectMatches");
        MapperMethod.ParamMap<Object> params = new MapperMethod.ParamMap<>();
        params.put("q", rq.sql);
        params.put("after", 0L);
        params.put("limit", PAGE);
        BoundSql sql = ms.getBoundSql(params);
        List<String> lines = new ArrayList<>();
        try (SqlSession s = sessions.openSession();
                Connection c = s.getConnection();
                PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql.getSql())) {
            new DefaultParameterHandler(ms, params, sql).setParameters(ps);
            try (ResultSet r = ps.executeQuery()) {
                ResultSetMetaData md = r.getMetaData();
                while (r.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String label = md.getColumnLabel(i);
                        if (List.of("table", "type", "key", "rows", "Extra").contains(label)) {
                            line.append(label).append('=').append(r.getString(i)).append(' ');
                        }
                    }
                    lines.add(line.toString().trim());
                }
            }
        } catch (SQLException e) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                    "cannot explain: " + e.getMessage(), e);
        }
        return lines;
    }
}
