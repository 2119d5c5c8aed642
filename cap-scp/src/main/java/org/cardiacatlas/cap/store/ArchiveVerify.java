package org.cardiacatlas.cap.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/**
 * {@code capserver verify}: the archive folder against its {@code files} rows. Reports files
 * with no row (left by a crash between the link and the commit; removed on request), rows
 * whose file is missing, and files whose size or MD5 differs from their row. Files younger
 * than {@code minAge} are not judged: a running store links its file before it commits.
 */
public final class ArchiveVerify {

    /** What one run found. */
    public record Report(int rows, int files, List<String> orphans, int removed, List<String> missing,
            List<String> damaged) {
        public boolean clean() {
            return orphans.size() - removed == 0 && missing.isEmpty() && damaged.isEmpty();
        }

        public String summary() {
            return rows + " files rows, " + files + " archive files: " + orphans.size() + " without a row ("
                    + removed + " removed), " + missing.size() + " rows whose file is missing, " + damaged.size()
                    + " files whose size or MD5 differs";
        }
    }

    private final SqlSessionFactory sessions;
    private final Path root;

    public ArchiveVerify(SqlSessionFactory sessions, Path root) {
        this.sessions = sessions;
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * @param removeOrphans delete the files that have no row
     * @param md5 read every file and compare its MD5 (else sizes only)
     * @param minAge files modified more recently are left alone
     * @param line each finding, as a line for people
     */
    public Report run(boolean removeOrphans, boolean md5, Duration minAge, Consumer<String> line) throws IOException {
        Map<String, FileRow> rows = new HashMap<>();
        Long fsPk;
        try (SqlSession s = sessions.openSession(true)) {
            fsPk = s.getMapper(FilesystemMapper.class).selectPkByDirpath(root.toString());
            if (fsPk != null) {
                FilesMapper m = s.getMapper(FilesMapper.class);
                long after = 0;
                for (List<FileRow> page; !(page = m.selectPage(fsPk, after, 10_000)).isEmpty(); ) {
                    for (FileRow r : page) {
                        rows.put(r.filepath, r);
                        after = r.pk;
                    }
                }
            }
        }
        Instant youngest = Instant.now().minus(minAge);
        List<String> orphans = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        int[] files = {0};
        int[] removed = {0};
        Map<String, Boolean> seen = new HashMap<>();
        if (Files.isDirectory(root)) {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    // temporary files, XPACS attachments and anything hidden are not archive files
                    boolean skip = !dir.equals(root) && (name.startsWith(".") || name.equals("xpacs-files"));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (!attrs.isRegularFile() || f.getFileName().toString().startsWith(".")) {
                        return FileVisitResult.CONTINUE;
                    }
                    files[0]++;
                    String rel = root.relativize(f).toString();
                    FileRow r = rows.get(rel);
                    if (r != null) {
                        seen.put(rel, true);
                        check(f, rel, r, attrs.size(), md5, damaged, line);
                    } else if (attrs.lastModifiedTime().toInstant().isBefore(youngest)) {
                        orphans.add(rel);
                        if (removeOrphans) {
                            Files.deleteIfExists(f);
                            removed[0]++;
                            line.accept("orphan  " + rel + " (" + attrs.size() + " bytes, no files row): removed");
                        } else {
                            line.accept("orphan  " + rel + " (" + attrs.size() + " bytes, no files row)");
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    line.accept("unreadable " + f + ": " + e.getMessage());
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        for (FileRow r : rows.values()) {
            if (!seen.containsKey(r.filepath)) {
                missing.add(r.filepath);
                line.accept("missing " + r.filepath + " (files pk " + r.pk + ", instance pk " + r.instanceFk + ")");
            }
        }
        return new Report(rows.size(), files[0], orphans, removed[0], missing, damaged);
    }

    private static void check(Path f, String rel, FileRow r, long size, boolean md5, List<String> damaged,
            Consumer<String> line) throws IOException {
        if (size != r.fileSize) {
            damaged.add(rel);
            line.accept("damaged " + rel + ": " + size + " bytes, the files row says " + r.fileSize);
            return;
        }
        if (md5 && r.fileMd5 != null) {
            String actual = md5(f);
            if (!actual.equalsIgnoreCase(r.fileMd5)) {
                damaged.add(rel);
                line.accept("damaged " + rel + ": MD5 " + actual + ", the files row says " + r.fileMd5);
            }
        }
    }

    private static String md5(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[256 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
