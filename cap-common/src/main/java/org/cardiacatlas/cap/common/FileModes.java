package org.cardiacatlas.cap.common;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Closed by default: what the node creates is readable by its owner and group only (folders
 * 0750, files 0640), whatever the process umask, so no other local account reads patient data
 * or logs. Java has no umask; these are given at creation and set on folders made before.
 */
public final class FileModes {

    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwxr-x---");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r-----");
    public static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private FileModes() {
    }

    public static FileAttribute<?>[] dirAttrs() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)} : new FileAttribute<?>[0];
    }

    public static FileAttribute<?>[] fileAttrs() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Creates the folder and missing parents 0750 (existing ones are left as they are). */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return abs;
        }
        Path parent = abs.getParent();
        if (parent != null && !Files.exists(parent)) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(abs, dirAttrs());
            set(abs, DIR);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made meanwhile by another thread or node
        }
        return abs;
    }

    /** Sets a folder made before (by an older version or another umask) to 0750; quietly a no-op elsewhere. */
    public static void restrict(Path p, Set<PosixFilePermission> mode) {
        if (POSIX && Files.exists(p)) {
            set(p, mode);
        }
    }

    /** The log folder 0750 and the files in it 0640 (logback creates them with the process umask). */
    public static void restrictLogs(Path logDir) {
        if (!POSIX || !Files.isDirectory(logDir)) {
            return;
        }
        set(logDir, DIR);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir)) {
            for (Path f : ds) {
                if (Files.isRegularFile(f)) {
                    set(f, FILE);
                }
            }
        } catch (IOException ignored) {
            // the folder's own mode already keeps others out
        }
    }

    private static void set(Path p, Set<PosixFilePermission> mode) {
        try {
            Files.setPosixFilePermissions(p, mode);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not ours (another node's user): its owner decides
        }
    }
}
