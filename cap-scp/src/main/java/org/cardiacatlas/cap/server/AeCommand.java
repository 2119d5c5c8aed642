package org.cardiacatlas.cap.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.cardiacatlas.cap.retrieve.AeRow;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.scp.EchoScu;
import org.cardiacatlas.cap.scp.Outbound;

/**
 * {@code capserver ae add AET HOST PORT [--tls | --tls-ciphers LIST] [DESCRIPTION] | list | remove AET | echo AET}:
 * the C-MOVE destinations (and storage commitment requesters). {@code --tls} marks a destination
 * reached over TLS: its {@code cipher_suites} get {@link Outbound#DEFAULT_CIPHER_SUITES}, or the
 * list given (issue 10); {@code add} without either makes it plain again.
 */
public final class AeCommand {

    static final String USAGE = "capserver ae add AET HOST PORT [--tls | --tls-ciphers SUITE,...] [DESCRIPTION]"
            + " | ae list | ae remove AET | ae echo AET";

    /** Makes the node's outbound connector when a C-ECHO needs it (reads the keystore then). */
    public interface OutboundSource {
        Outbound get() throws IOException;
    }

    private AeCommand() {
    }

    public static int run(RetrieveIndex index, String ourAet, OutboundSource outbound, List<String> args, PrintStream out) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        switch (args.get(0)) {
            case "add" -> {
                // the TLS options anywhere after the command; the other words are AET HOST PORT DESCRIPTION
                String suites = null;
                List<String> words = new ArrayList<>();
                for (int i = 1; i < args.size(); i++) {
                    String a = args.get(i);
                    if (a.equals("--tls")) {
                        suites = suites != null ? suites : String.join(",", Outbound.DEFAULT_CIPHER_SUITES);
                    } else if (a.equals("--tls-ciphers") || a.startsWith("--tls-ciphers=")) {
                        String list = a.contains("=") ? a.substring(a.indexOf('=') + 1)
                                : (i + 1 < args.size() ? args.get(++i) : "");
                        suites = tlsCiphers(list);
                    } else if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
                    } else {
                        words.add(a);
                    }
                }
                args = new ArrayList<>(words);
                args.add(0, "add");
                if (args.size() < 4) {
                    throw new IllegalArgumentException(USAGE);
                }
                AeRow ae = new AeRow();
                ae.aet = aet(args.get(1));
                ae.hostname = args.get(2);
                try {
                    ae.port = Integer.valueOf(args.get(3));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("port must be a number: " + args.get(3));
                }
                if (ae.port < 1 || ae.port > 65535) {
                    throw new IllegalArgumentException("port must be between 1 and 65535");
                }
                ae.aeDesc = args.size() > 4 ? String.join(" ", args.subList(4, args.size())) : null;
                ae.cipherSuites = suites;
                index.saveDestination(ae);
                out.println("destination " + ae.aet + " at " + ae.hostname + ":" + ae.port + (ae.tls() ? " (TLS)" : "")
                        + " saved");
                return 0;
            }
            case "list" -> {
                List<AeRow> all = index.destinations();
                out.println(String.format("%-16s %-30s %6s %-5s %s", "AE title", "host", "port", "TLS", "description"));
                for (AeRow ae : all) {
                    out.println(String.format("%-16s %-30s %6s %-5s %s", ae.aet, ae.hostname, ae.port,
                            ae.tls() ? "yes" : "no", ae.aeDesc == null ? "" : ae.aeDesc));
                }
                return 0;
            }
            case "remove" -> {
                if (args.size() != 2) {
                    throw new IllegalArgumentException(USAGE);
                }
                boolean removed = index.removeDestination(args.get(1));
                out.println(removed ? "destination " + args.get(1) + " removed" : "no destination " + args.get(1));
                return removed ? 0 : 1;
            }
            case "echo" -> {
                if (args.size() != 2) {
                    throw new IllegalArgumentException(USAGE);
                }
                AeRow ae = index.destination(args.get(1));
                if (ae == null) {
                    out.println("no destination " + args.get(1) + " (capserver ae add ...)");
                    return 1;
                }
                try {
                    int status = EchoScu.echo(outbound.get(), ae, ourAet);
                    out.println(String.format("C-ECHO %s at %s:%d%s: %s", ae.aet, ae.hostname, ae.port,
                            ae.tls() ? " (TLS)" : "", status == 0 ? "success" : String.format("status 0x%04X", status)));
                    return status == 0 ? 0 : 1;
                } catch (Exception e) {
                    out.println(String.format("C-ECHO %s at %s:%d failed: %s", ae.aet, ae.hostname, ae.port, e.getMessage()));
                    return 1;
                }
            }
            default -> throw new IllegalArgumentException(USAGE);
        }
    }

    /** A comma-separated list of suite names this JVM enables for TLS 1.2/1.3; a typo is refused. */
    private static String tlsCiphers(String list) {
        List<String> names = Outbound.parseSuites(list);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--tls-ciphers needs a comma-separated list of cipher suites");
        }
        List<String> unknown = Outbound.unknownSuites(names);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("cipher suites not enabled in this JVM: " + String.join(", ", unknown));
        }
        String joined = String.join(",", names);
        if (joined.length() > 250) {
            throw new IllegalArgumentException("at most 250 characters of cipher suites fit in pacs.ae");
        }
        return joined;
    }

    private static String aet(String s) {
        if (s.isEmpty() || s.length() > 16 || s.contains("\\")) {
            throw new IllegalArgumentException("an AE title is 1 to 16 characters without backslash: " + s);
        }
        return s;
    }
}
