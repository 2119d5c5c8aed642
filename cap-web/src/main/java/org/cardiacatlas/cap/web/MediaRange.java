package org.cardiacatlas.cap.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One media range of an Accept header (RFC 9110 12.5.1) or a Content-Type, with its
 * parameters (names lower-cased, quotes removed). The ranges of an Accept header come in the
 * order of their quality values (highest first, the order given among equals), and a range
 * with q=0 ("not acceptable") is left out, so a route takes the first it can give and answers
 * 406 when there is none (PS3.18 8.7.1).
 */
record MediaRange(String type, Map<String, String> params) {

    String param(String name) {
        return params.get(name);
    }

    boolean is(String t) {
        return type.equals(t);
    }

    /** Ranges of an Accept header; none (absent header) is one {@code *}{@code /*}. */
    static List<MediaRange> parseAccept(String header) {
        List<MediaRange> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            out.add(new MediaRange("*/*", Map.of()));
            return out;
        }
        for (String range : split(header, ',')) {
            if (!range.isBlank()) {
                MediaRange r = parse(range);
                if (r.quality() > 0) {
                    out.add(r);
                }
            }
        }
        // a stable sort: the order given among equal qualities
        out.sort(java.util.Comparator.comparingDouble(MediaRange::quality).reversed());
        return out;
    }

    /** The q parameter (RFC 9110 12.4.2), 1 when absent; an unreadable one counts as 1. */
    double quality() {
        String q = params.get("q");
        if (q == null) {
            return 1;
        }
        try {
            return Math.max(0, Math.min(1, Double.parseDouble(q.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** What the client accepts: the {@code accept} query parameter (PS3.18 8.3.3.1), else the Accept header. */
    static String accept(io.javalin.http.Context ctx) {
        String q = ctx.queryParam("accept");
        return q != null ? q : ctx.header("Accept");
    }

    static MediaRange parse(String s) {
        List<String> parts = split(s, ';');
        String type = parts.get(0).trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i).trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String v = p.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), v);
        }
        return new MediaRange(type, params);
    }

    /** Splits at the separator outside double quotes. */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
