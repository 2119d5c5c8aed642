package org.cardiacatlas.cap.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * All settings of the server in one typed place. Each option is read, in rising order of
 * precedence, from its default, the properties file ({@code --config}, default
 * {@code conf/capserver.properties}), the environment ({@code CAPSERVER_} + upper-case name
 * with dashes as underscores) and the command line ({@code --name value} or {@code --name=value}).
 */
public final class CapConfig {

    /** The options; the key is the command-line name and the properties-file key. */
    public enum Option {
        AET("aet", "CAPSCP", "our AE title"),
        PORT("port", "11112", "DICOM port"),
        BIND("bind", "", "address to listen on (empty: all interfaces)"),
        DATA_DIR("data-dir", "./data", "archive files, embedded database and logs below it"),
        STORAGE_DIR("storage-dir", "", "archive file root (empty: <data-dir>/archive)"),
        LOG_DIR("log-dir", "", "log folder (empty: <data-dir>/logs)"),
        DB_URL("db-url", "", "JDBC URL of an external MySQL 8 / MariaDB server (empty: embedded MariaDB)"),
        DB_USER("db-user", "root", "database user"),
        DB_PASSWORD("db-password", "", "database password", true),
        DB_POOL_SIZE("db-pool-size", "16", "database connections"),
        XPACS_DB_URL("xpacs-db-url", "", "JDBC URL of the XPACS server when it is not the PACS one (empty: same)"),
        XPACS_DB_USER("xpacs-db-user", "root", "XPACS database user"),
        XPACS_DB_PASSWORD("xpacs-db-password", "", "XPACS database password", true),
        XPACS_RETRY("xpacs-retry", "30", "seconds between attempts to catch up with an XPACS server that was away"),
        EMBEDDED_DB_PORT("embedded-db-port", "3307", "port of the embedded MariaDB (127.0.0.1 only)"),
        PACS_SCHEMA("pacs-schema", "pacs", "schema of the PACS tables"),
        XPACS_SCHEMA("xpacs-schema", "xpacs", "schema of the XPACS tables"),
        CAP_ID_PATTERN("cap-id-pattern", "[A-Za-z0-9]{10}",
                "regular expression of a CAP ID (Patient IDs that match are synchronized to XPACS)"),
        CHECK_CALLED_AET("check-called-aet", "true", "reject associations whose called AE title is not ours"),
        ALLOWED_CALLING_AETS("allowed-calling-aets", "", "comma-separated calling AE titles to accept (empty: any)"),
        VERIFY_MD5("verify-md5", "false", "check each file's MD5 against the index before sending it (size is always checked)"),
        MAX_ASSOCIATIONS("max-associations", "64", "associations served at once; more are rejected"),
        MAX_PDU_LENGTH("max-pdu-length", "262144", "maximum P-DATA PDU length we receive"),
        IDLE_TIMEOUT("idle-timeout", "60", "seconds without a PDU before an association is aborted"),
        MAX_MATCHES("max-matches", "10000",
                "C-FIND answers at most this many matches; a larger answer ends with status A700 (0: no limit)"),
        CASE_SENSITIVE_NAMES("case-sensitive-names", "false",
                "C-FIND matches person names case- and accent-sensitively"),
        // storage commitment (issue 15)
        STGCMT_SAME_ASSOCIATION("stgcmt-same-association", "true",
                "send a storage commitment report on the request's association while it is open and the requester "
                        + "negotiated the SCP/SCU role for it (false: always on a new association)"),
        STGCMT_RETRY("stgcmt-retry", "10",
                "seconds before a storage commitment report is sent again to a requester that was away; doubled "
                        + "after each failed attempt, at most an hour"),
        STGCMT_EXPIRY("stgcmt-expiry", "86400",
                "seconds after which a storage commitment report that could not be delivered is given up (WARN)"),
        // --- issue 10: hardening (association deadlines, TLS, file modes, crash leftovers) ---
        ASSOCIATE_TIMEOUT("associate-timeout", "10", "seconds in which the whole A-ASSOCIATE-RQ must arrive"),
        MAX_ASSOCIATIONS_PER_ADDRESS("max-associations-per-address", "32",
                "connections at once from one IP address; more are rejected"),
        TLS_PORT("tls-port", "0", "DICOM TLS port, e.g. 2762 (0: none)"),
        TLS_KEYSTORE("tls-keystore", "", "PKCS#12 file with the node's key and certificate (TLS port, TLS destinations, HTTPS)"),
        TLS_KEYSTORE_PASSWORD("tls-keystore-password", "", "its password", true),
        TLS_TRUSTSTORE("tls-truststore", "", "PKCS#12 file of the trusted peer certificates, inbound and outbound "
                + "(empty: the JDK's)"),
        TLS_TRUSTSTORE_PASSWORD("tls-truststore-password", "", "its password", true),
        TLS_CLIENT_AUTH("tls-client-auth", "false", "require a client certificate the truststore trusts"),
        VERIFY_AT_START("verify-at-start", "false",
                "run capserver verify (archive files against the files rows) at start, reporting only"),
        STRICT_QUERIES("strict-queries", "false",
                "refuse hierarchical queries and retrieves without the unique keys above their level (PS3.4 C.4.1.2.1)"
                        + " instead of treating a missing one as universal; relational queries stay allowed when"
                        + " negotiated"),
        STORE_COMPRESSION("store-compression", "none",
                "jpeg-ls-lossless | j2k-lossless | none: compress stored uncompressed images losslessly in the background"),
        // --- HTTP server (DICOMweb, web app): issue 13 ---
        HTTP_PORT("http-port", "8080", "HTTP port of DICOMweb and the web app (0: no plain HTTP)"),
        HTTP_BIND("http-bind", "", "address the HTTP and HTTPS ports listen on (empty: all interfaces)"),
        HTTPS_PORT("https-port", "0", "HTTPS port, with the --tls-keystore certificate (0: no HTTPS)"),
        HTTP_CORS_ORIGINS("http-cors-origins", "", "comma-separated origins allowed to call DICOMweb from a browser"),
        HTTP_ANONYMOUS_READ("http-anonymous-read", "false", "DICOMweb reads need no account (stores still do)"),
        HTTP_MAX_REQUEST_MB("http-max-request-mb", "2048", "largest STOW-RS request body in MiB (larger: 413)");

        final String key;
        final String defaultValue;
        final String description;
        final boolean secret;

        Option(String key, String defaultValue, String description) {
            this(key, defaultValue, description, false);
        }

        Option(String key, String defaultValue, String description, boolean secret) {
            this.key = key;
            this.defaultValue = defaultValue;
            this.description = description;
            this.secret = secret;
        }

        /** A true/false option, which may be given without a value. */
        boolean isSwitch() {
            return defaultValue.equals("true") || defaultValue.equals("false");
        }

        public String key() {
            return key;
        }

        public String envName() {
            return "CAPSERVER_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
        }

        static Option byKey(String key) {
            for (Option o : values()) {
                if (o.key.equals(key)) {
                    return o;
                }
            }
            return null;
        }
    }

    private final Map<Option, String> values;
    private final Map<Option, String> sources;
    private final List<String> arguments;

    private CapConfig(Map<Option, String> values, Map<Option, String> sources, List<String> arguments) {
        this.values = values;
        this.sources = sources;
        this.arguments = arguments;
    }

    /**
     * Parses the command line (options anywhere; the rest are positional arguments, e.g. the
     * sub-command) on top of the environment and the properties file.
     */
    public static CapConfig load(String[] args, Map<String, String> env) {
        Map<Option, String> cli = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        String configFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("config")) {
                configFile = value != null ? value : requireValue(args, ++i, name);
                continue;
            }
            Option o = Option.byKey(name);
            if (o == null) {
                // not ours: leave it to the sub-command (e.g. --dry-run)
                positional.add(a);
                continue;
            }
            if (value == null && o.isSwitch()) {
                // a switch alone means true ("--strict-queries"); "--verify-md5 false" still works, and
                // a word that is not an option is its value, so "--verify-md5 maybe" is refused, not ignored
                boolean given = i + 1 < args.length && !args[i + 1].startsWith("--");
                value = given ? args[++i] : "true";
            }
            cli.put(o, value != null ? value : requireValue(args, ++i, name));
        }
        if (configFile == null) {
            configFile = env.getOrDefault("CAPSERVER_CONFIG", null);
        }
        Properties file = new Properties();
        String fileSource = null;
        Path path = configFile != null ? Path.of(configFile) : Path.of("conf", "capserver.properties");
        if (Files.isRegularFile(path)) {
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                file.load(r);
                fileSource = "file " + path;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read configuration file " + path + ": " + e.getMessage(), e);
            }
        } else if (configFile != null) {
            throw new IllegalArgumentException("configuration file not found: " + path);
        }
        for (String key : file.stringPropertyNames()) {
            if (Option.byKey(key) == null) {
                throw new IllegalArgumentException("unknown option '" + key + "' in " + path);
            }
        }
        Map<Option, String> values = new LinkedHashMap<>();
        Map<Option, String> sources = new LinkedHashMap<>();
        for (Option o : Option.values()) {
            String v = o.defaultValue;
            String s = "default";
            if (file.getProperty(o.key) != null) {
                v = file.getProperty(o.key).trim();
                s = fileSource;
            }
            if (env.get(o.envName()) != null) {
                v = env.get(o.envName());
                s = "env " + o.envName();
            }
            if (cli.containsKey(o)) {
                v = cli.get(o);
                s = "command line";
            }
            values.put(o, v);
            sources.put(o, s);
        }
        CapConfig c = new CapConfig(values, sources, Collections.unmodifiableList(positional));
        c.validate();
        return c;
    }

    /** Defaults only, with overrides: for tests and tools. */
    public static CapConfig of(Map<Option, String> overrides) {
        Map<Option, String> values = new LinkedHashMap<>();
        Map<Option, String> sources = new LinkedHashMap<>();
        for (Option o : Option.values()) {
            values.put(o, overrides.getOrDefault(o, o.defaultValue));
            sources.put(o, overrides.containsKey(o) ? "given" : "default");
        }
        CapConfig c = new CapConfig(values, sources, List.of());
        c.validate();
        return c;
    }

    private static String requireValue(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option --" + name + " needs a value");
        }
        return args[i];
    }

    private void validate() {
        if (aet().isEmpty() || aet().length() > 16 || aet().contains("\\")) {
            throw new IllegalArgumentException("--aet must be 1 to 16 characters without backslash");
        }
        checkRange(Option.PORT, 1, 65535);
        checkRange(Option.EMBEDDED_DB_PORT, 1, 65535);
        checkRange(Option.DB_POOL_SIZE, 1, 1000);
        checkRange(Option.MAX_ASSOCIATIONS, 1, 100000);
        checkRange(Option.MAX_PDU_LENGTH, 4096, 16 * 1024 * 1024);
        checkRange(Option.IDLE_TIMEOUT, 1, 86400);
        checkRange(Option.ASSOCIATE_TIMEOUT, 1, 3600);
        checkRange(Option.MAX_ASSOCIATIONS_PER_ADDRESS, 1, 100000);
        checkRange(Option.TLS_PORT, 0, 65535);
        checkRange(Option.XPACS_RETRY, 1, 86400);
        checkRange(Option.MAX_MATCHES, 0, Integer.MAX_VALUE - 1);
        for (Option o : List.of(Option.PACS_SCHEMA, Option.XPACS_SCHEMA)) {
            // schema names are spliced into SQL as identifiers, so only plain names pass
            if (!get(o).matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                throw new IllegalArgumentException("--" + o.key + " must be a plain identifier: " + get(o));
            }
        }
        bool(Option.CHECK_CALLED_AET);
        bool(Option.VERIFY_MD5);
        try {
            java.util.regex.Pattern.compile(get(Option.CAP_ID_PATTERN));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("--cap-id-pattern is not a regular expression: " + e.getDescription());
        }
        bool(Option.CASE_SENSITIVE_NAMES);
        bool(Option.STGCMT_SAME_ASSOCIATION);
        checkRange(Option.STGCMT_RETRY, 1, 86400);
        checkRange(Option.STGCMT_EXPIRY, 1, 365 * 86400);
        bool(Option.STRICT_QUERIES);
        checkRange(Option.HTTP_PORT, 0, 65535);
        checkRange(Option.HTTPS_PORT, 0, 65535);
        checkRange(Option.HTTP_MAX_REQUEST_MB, 1, 1024 * 1024);
        bool(Option.HTTP_ANONYMOUS_READ);
        if (integer(Option.HTTPS_PORT) != 0 && get(Option.TLS_KEYSTORE).trim().isEmpty()) {
            throw new IllegalArgumentException("--https-port needs --tls-keystore");
        }
    }

    private void checkRange(Option o, int min, int max) {
        int v = integer(o);
        if (v < min || v > max) {
            throw new IllegalArgumentException("--" + o.key + " must be between " + min + " and " + max + ": " + v);
        }
    }

    public String get(Option o) {
        return values.get(o);
    }

    /** Where an option's value came from: "default", "file ...", "env ...", "command line" or "given". */
    public String source(Option o) {
        return sources.get(o);
    }

    public int integer(Option o) {
        try {
            return Integer.parseInt(get(o).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + o.key + " must be a number: " + get(o));
        }
    }

    public boolean bool(Option o) {
        String v = get(o).trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "true": case "yes": case "1": case "on": return true;
            case "false": case "no": case "0": case "off": return false;
            default: throw new IllegalArgumentException("--" + o.key + " must be true or false: " + get(o));
        }
    }

    /** Positional arguments: the sub-command and its operands. */
    public List<String> arguments() {
        return arguments;
    }

    public String aet() {
        return get(Option.AET).trim();
    }

    public int port() {
        return integer(Option.PORT);
    }

    public String bind() {
        return get(Option.BIND).trim();
    }

    public Path dataDir() {
        return Path.of(get(Option.DATA_DIR)).toAbsolutePath().normalize();
    }

    public Path storageDir() {
        String s = get(Option.STORAGE_DIR).trim();
        return s.isEmpty() ? dataDir().resolve("archive") : Path.of(s).toAbsolutePath().normalize();
    }

    public Path logDir() {
        String s = get(Option.LOG_DIR).trim();
        return s.isEmpty() ? dataDir().resolve("logs") : Path.of(s).toAbsolutePath().normalize();
    }

    public boolean embeddedDatabase() {
        return get(Option.DB_URL).trim().isEmpty();
    }

    public String pacsSchema() {
        return get(Option.PACS_SCHEMA);
    }

    public String xpacsSchema() {
        return get(Option.XPACS_SCHEMA);
    }

    public Set<String> allowedCallingAets() {
        Set<String> s = new TreeSet<>();
        for (String a : get(Option.ALLOWED_CALLING_AETS).split(",")) {
            if (!a.trim().isEmpty()) {
                s.add(a.trim());
            }
        }
        return s;
    }

    /** One line per option with its value and where it came from; secrets are masked. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Option o : Option.values()) {
            String v = get(o);
            if (o.secret) {
                v = v.isEmpty() ? "(none)" : "********";
            } else if (o == Option.DB_URL || o == Option.XPACS_DB_URL) {
                v = maskUrlPassword(v);
            }
            lines.add(String.format("%-22s = %s  [%s]", o.key, v, sources.get(o)));
        }
        return lines;
    }

    /** JDBC URLs may carry password=... in their query string. */
    static String maskUrlPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1********");
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder();
        for (Option o : Option.values()) {
            sb.append(String.format("  --%-22s %s (default: %s; env %s)%n", o.key + " V", o.description,
                    o.defaultValue.isEmpty() ? "none" : o.defaultValue, o.envName()));
        }
        sb.append(String.format("  --%-22s %s%n", "config FILE", "properties file (default conf/capserver.properties)"));
        return sb.toString();
    }
}
