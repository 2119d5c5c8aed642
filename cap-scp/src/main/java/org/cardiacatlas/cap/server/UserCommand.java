package org.cardiacatlas.cap.server;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cardiacatlas.cap.access.Accounts;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.access.WebSessions;

/**
 * {@code capserver user ...}: accounts of the HTTP side (DICOMweb, web app). Passwords come from
 * a prompt, standard input or {@code --password-file}, never from the command line.
 */
final class UserCommand {

    static final String USAGE = "capserver user add NAME --role admin|curator|researcher [--cohorts P1,P2] [--password-file F]"
            + " | list | passwd NAME [--password-file F] | role NAME --role R [--cohorts P1,P2] | delete NAME"
            + " | token NAME [--label L] | tokens NAME | revoke NAME TOKEN-ID";

    private UserCommand() {
    }

    static int run(Accounts accounts, WebSessions sessions, List<String> argsIn, PrintStream out) throws IOException {
        List<String> args = new ArrayList<>(argsIn);
        String role = option(args, "--role");
        String cohorts = option(args, "--cohorts");
        String passwordFile = option(args, "--password-file");
        String label = option(args, "--label");
        if (args.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        String actor = "command line (" + System.getProperty("user.name") + ")";
        String sub = args.get(0);
        switch (sub) {
            case "list" -> {
                out.printf("%-24s %-11s %-30s %s%n", "NAME", "ROLE", "COHORTS", "CREATED");
                for (Accounts.Account a : accounts.list()) {
                    out.printf("%-24s %-11s %-30s %s%n", a.name(), a.role().key(),
                            a.cohorts().isEmpty() ? "(all)" : String.join(",", a.cohorts()), a.created());
                }
            }
            case "add" -> {
                String name = operand(args, 1);
                if (role == null) {
                    throw new IllegalArgumentException("user add needs --role admin|curator|researcher");
                }
                accounts.add(name, Role.parse(role), cohortList(cohorts), password(passwordFile, true), actor);
                out.println("user " + name + " added");
            }
            case "passwd" -> {
                String name = operand(args, 1);
                accounts.setPassword(name, password(passwordFile, true), actor);
                // the user's web app sessions end, as after a change in the app
                sessions.removeUser(name, "");
                out.println("password of " + name + " changed");
            }
            case "role" -> {
                String name = operand(args, 1);
                if (role == null) {
                    throw new IllegalArgumentException("user role needs --role admin|curator|researcher");
                }
                accounts.setRole(name, Role.parse(role), cohortList(cohorts), actor);
                out.println("user " + name + " is now " + Role.parse(role).key());
            }
            case "delete" -> {
                String name = operand(args, 1);
                accounts.delete(name, actor);
                sessions.removeUser(name, "");
                out.println("user " + name + " deleted");
            }
            case "token" -> {
                String name = operand(args, 1);
                String token = accounts.createToken(name, label, actor);
                // the only time the token is shown: standard output, for a script to capture
                out.println(token);
            }
            case "tokens" -> {
                String name = operand(args, 1);
                out.printf("%-6s %-24s %-26s %-26s %s%n", "ID", "LABEL", "CREATED", "LAST USED", "REVOKED");
                for (Accounts.Token t : accounts.tokens(name)) {
                    out.printf("%-6d %-24s %-26s %-26s %s%n", t.id(), t.label(), t.created(),
                            t.lastUsed() == null ? "-" : t.lastUsed(), t.revoked() == null ? "-" : t.revoked());
                }
            }
            case "revoke" -> {
                String name = operand(args, 1);
                long id;
                try {
                    id = Long.parseLong(operand(args, 2));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("TOKEN-ID is the number shown by: capserver user tokens " + name);
                }
                accounts.revokeToken(name, id, actor);
                out.println("token " + id + " of " + name + " revoked");
            }
            default -> throw new IllegalArgumentException("unknown command 'user " + sub + "'\n" + USAGE);
        }
        return 0;
    }

    private static String option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(name)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String v = args.get(i + 1);
                args.remove(i + 1);
                args.remove(i);
                return v;
            }
            if (a.startsWith(name + "=")) {
                args.remove(i);
                return a.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String operand(List<String> args, int i) {
        if (args.size() <= i) {
            throw new IllegalArgumentException(USAGE);
        }
        return args.get(i);
    }

    private static List<String> cohortList(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
    }

    /** From the file (first line), else the console (asked twice), else one line of standard input. */
    private static String password(String file, boolean confirm) throws IOException {
        if (file != null) {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("password file " + file + " is empty");
            }
            return lines.get(0);
        }
        Console console = System.console();
        if (console != null) {
            char[] a = console.readPassword("password: ");
            if (confirm) {
                char[] b = console.readPassword("again: ");
                if (a == null || b == null || !Arrays.equals(a, b)) {
                    throw new IllegalArgumentException("the passwords differ");
                }
            }
            return a == null ? "" : new String(a);
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            throw new IllegalArgumentException("no password: give --password-file or type it on standard input");
        }
        return line;
    }
}
