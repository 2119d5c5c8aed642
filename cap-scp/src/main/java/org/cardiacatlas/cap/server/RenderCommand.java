package org.cardiacatlas.cap.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import org.cardiacatlas.cap.codec.Codec;
import org.cardiacatlas.cap.codec.CodecException;
import org.cardiacatlas.cap.codec.RenderRequest;
import org.cardiacatlas.cap.common.Uids;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.store.ArchiveStorage;

/**
 * {@code capserver render SOP_UID [--frame N] --out FILE.png|.jpg [--window C,W] [--size PX] [--16bit]}:
 * one frame of a stored instance through the codec unit, as the web face renders it.
 */
final class RenderCommand {
    static final String USAGE = "usage: capserver render SOP_UID [--frame N] --out FILE.png|FILE.jpg"
            + " [--window CENTER,WIDTH] [--size PX] [--16bit]";

    private RenderCommand() {
    }

    static int run(RetrieveIndex index, Codec codec, List<String> args, PrintStream out) {
        String sop = null;
        int frame = 1;
        Path file = null;
        Double center = null;
        Double width = null;
        Integer size = null;
        boolean sixteen = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--frame" -> frame = parseInt(value(args, ++i, a), a);
                case "--out" -> file = Path.of(value(args, ++i, a));
                case "--size" -> size = parseInt(value(args, ++i, a), a);
                case "--16bit" -> sixteen = true;
                case "--window" -> {
                    String[] cw = value(args, ++i, a).split(",");
                    if (cw.length != 2) {
                        throw new IllegalArgumentException("--window takes CENTER,WIDTH");
                    }
                    try {
                        center = Double.parseDouble(cw[0].trim());
                        width = Double.parseDouble(cw[1].trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--window takes two numbers: " + a);
                    }
                }
                default -> {
                    if (a.startsWith("--") || sop != null) {
                        throw new IllegalArgumentException("unexpected argument '" + a + "'");
                    }
                    sop = a;
                }
            }
        }
        if (sop == null || file == null) {
            throw new IllegalArgumentException("a SOP Instance UID and --out are needed");
        }
        if (!Uids.isValid(sop)) {
            throw new IllegalArgumentException("not a valid UID: '" + sop + "'");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".png") ? RenderRequest.PNG
                : name.endsWith(".jpg") || name.endsWith(".jpeg") ? RenderRequest.JPEG : null;
        if (type == null) {
            throw new IllegalArgumentException("--out must end in .png, .jpg or .jpeg: " + file);
        }
        RenderRequest rq = new RenderRequest(frame, type, center, width, size, sixteen);
        List<LocatedInstance> found = index.locate(null, null, null, List.of(sop));
        if (found.isEmpty()) {
            System.err.println("capserver render: no instance " + sop);
            return 1;
        }
        Path tmp = null;
        try {
            Path stored = ArchiveStorage.checkedFile(found.get(0), false);
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // rendered images are patient data: owner-only, and complete or absent
            tmp = Files.createTempFile(dir, ".render", ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream o = Files.newOutputStream(tmp)) {
                codec.render(stored, rq, o);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            out.println("frame " + frame + " of " + sop + " (" + found.get(0).fileTsuid + ") -> " + file);
            return 0;
        } catch (CodecException | IOException e) {
            System.err.println("capserver render: " + e.getMessage());
            return 1;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more to do
                }
            }
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int parseInt(String v, String option) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number: '" + v + "'");
        }
    }
}
