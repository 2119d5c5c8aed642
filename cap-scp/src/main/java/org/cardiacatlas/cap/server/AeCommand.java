package org.cardiacatlas.cap.server;

import java.io.PrintStream;
import java.util.List;
import org.cardiacatlas.cap.retrieve.AeRow;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.scp.EchoScu;

/** {@code capserver ae add AET HOST PORT [DESCRIPTION] | list | remove AET | echo AET}: the C-MOVE destinations. */
public final class AeCommand {

    static final String USAGE = "capserver ae add AET HOST PORT [DESCRIPTION] | ae list | ae remove AET | ae echo AET";

    private AeCommand() {
    }

    public static int run(RetrieveIndex index, String ourAet, List<String> args, PrintStream out) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        switch (args.get(0)) {
            case "add" -> {
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
                index.saveDestination(ae);
                out.println("destination " + ae.aet + " at " + ae.hostname + ":" + ae.port + " saved");
                return 0;
            }
            case "list" -> {
                List<AeRow> all = index.destinations();
                out.println(String.format("%-16s %-30s %6s  %s", "AE title", "host", "port", "description"));
                for (AeRow ae : all) {
                    out.println(String.format("%-16s %-30s %6s  %s", ae.aet, ae.hostname, ae.port,
                            ae.aeDesc == null ? "" : ae.aeDesc));
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
                    int status = EchoScu.echo(ae.hostname, ae.port, ae.aet, ourAet);
                    out.println(String.format("C-ECHO %s at %s:%d: %s", ae.aet, ae.hostname, ae.port,
                            status == 0 ? "success" : String.format("status 0x%04X", status)));
                    return status == 0 ? 0 : 1;
                } catch (Exception e) {
                    out.println(String.format("C-ECHO %s at %s:%d failed: %s", ae.aet, ae.hostname, ae.port, e.getMessage()));
                    return 1;
                }
            }
            default -> throw new IllegalArgumentException(USAGE);
        }
    }

    private static String aet(String s) {
        if (s.isEmpty() || s.length() > 16 || s.contains("\\")) {
            throw new IllegalArgumentException("an AE title is 1 to 16 characters without backslash: " + s);
        }
        return s;
    }
}
