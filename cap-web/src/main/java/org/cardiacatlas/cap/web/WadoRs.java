package org.cardiacatlas.cap.web;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.codec.Codec;
import org.cardiacatlas.cap.codec.CodecException;
import org.cardiacatlas.cap.codec.RenderRequest;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.query.FindOptions;
import org.cardiacatlas.cap.query.InformationModel;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WADO-RS (PS3.18 10.4) and WADO-URI (PS3.18 9): the retrieve index names the instances and
 * files, the principal's cohorts filter them, the files stream out one by one as stored (or
 * through the codec unit in another transfer syntax); metadata comes from the attribute blobs
 * through the query unit; frames, bulk data and rendered images from the codec unit.
 */
final class WadoRs {

    private static final Logger LOG = LoggerFactory.getLogger(WadoRs.class);
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final AttributeTag PIXEL_DATA = TagFromName.PixelData;

    private final RetrieveIndex retrieve;
    private final ArchiveStorage storage;
    private final AccessControl access;
    /** The query unit without a limit of matches: a study's metadata is all its instances. */
    private final PacsQuery metadataQuery;
    private final Codec codec;

    WadoRs(RetrieveIndex retrieve, ArchiveStorage storage, AccessControl access, PacsQuery metadataQuery, Codec codec) {
        this.retrieve = retrieve;
        this.storage = storage;
        this.access = access;
        this.metadataQuery = metadataQuery;
        this.codec = codec;
    }

    /** The instances the path names that the principal may see; 404 when none. */
    List<LocatedInstance> locate(Context ctx, String study, String series, String sop) {
        QidoRs.uid(study);
        if (series != null) {
            QidoRs.uid(series);
        }
        if (sop != null) {
            QidoRs.uid(sop);
        }
        Principal p = HttpAuth.principal(ctx);
        List<LocatedInstance> out = new ArrayList<>();
        for (LocatedInstance li : retrieve.locate(null, List.of(study), series == null ? null : List.of(series),
                sop == null ? null : List.of(sop))) {
            if (access.maySeePatient(p, li.patId)) {
                out.add(li);
            }
        }
        if (out.isEmpty()) {
            // the same answer for what does not exist and what lies outside the cohorts
            throw HttpFailure.notFound("no such " + (sop != null ? "instance" : series != null ? "series" : "study"));
        }
        return out;
    }

    // ---- retrieve: multipart/related; type="application/dicom" ----

    void retrieve(Context ctx, String study, String series, String sop) throws IOException {
        String ts = dicomTransferSyntax(MediaRange.accept(ctx));
        List<LocatedInstance> found = locate(ctx, study, series, sop);
        if (ts != null) {
            for (LocatedInstance li : found) {
                if (!codec.canTranscode(li.fileTsuid, ts)) {
                    throw HttpFailure.notAcceptable("instance " + li.sopIuid + " is stored in " + li.fileTsuid
                            + ", which the codec unit cannot give in " + ts);
                }
            }
        }
        ctx.status(200);
        MultipartOut mp = new MultipartOut(ctx.outputStream());
        ctx.contentType(mp.contentType("application/dicom"));
        int sent = 0;
        int failed = 0;
        long bytes = 0;
        try {
            for (LocatedInstance li : found) {
                String partTs = ts == null ? li.fileTsuid : ts;
                if (partTs.equals(li.fileTsuid)) {
                    // as stored, one file at a time: never a whole study in memory
                    ArchiveStorage.StoredData stored;
                    try {
                        stored = storage.openFile(li);
                    } catch (IOException e) {
                        // the response has begun: the instance is left out, and the log says why
                        LOG.error("WADO-RS: instance {} left out: {}", li.sopIuid, e.getMessage());
                        failed++;
                        continue;
                    }
                    try (stored) {
                        OutputStream out = mp.part("application/dicom; transfer-syntax=" + partTs, stored.length);
                        stored.in.transferTo(out);
                    }
                    bytes += stored.length;
                } else {
                    Path file;
                    try {
                        file = storage.file(li);
                    } catch (IOException e) {
                        LOG.error("WADO-RS: instance {} left out: {}", li.sopIuid, e.getMessage());
                        failed++;
                        continue;
                    }
                    OutputStream out = mp.part("application/dicom; transfer-syntax=" + partTs, -1);
                    try {
                        codec.transcode(file, partTs, out, true);
                    } catch (CodecException e) {
                        if (WebServer.clientGone(e)) {
                            throw new IOException(e.getMessage(), e);
                        }
                        // the part has begun: the stream cannot carry on sensibly
                        throw new IOException("cannot transcode " + li.sopIuid + ": " + e.getMessage(), e);
                    }
                }
                sent++;
            }
            mp.end();
        } catch (IOException e) {
            if (WebServer.clientGone(e)) {
                WebServer.clientGone(ctx, "after " + sent + " of " + found.size() + " instances");
            }
            throw e;
        }
        Principal p = HttpAuth.principal(ctx);
        Audit.event("WADO-RS").with("user", p.name()).with("remote", ctx.ip()).with("patient", found.get(0).patId)
                .with("study", study).with("series", series).with("sop", sop).with("instances", sent)
                .with("failures", failed).with("bytes", bytes).with("status", failed == 0 ? "0000" : "B000").write();
    }

    /**
     * The transfer syntax asked for in Accept: null for the stored one ({@code *}, or none named).
     * 406 when nothing acceptable is multipart/related application/dicom.
     */
    static String dicomTransferSyntax(String accept) {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            String type = r.param("type");
            boolean ok = r.is("*/*") || r.is("multipart/*")
                    || (r.is("multipart/related") && (type == null || type.equalsIgnoreCase("application/dicom")));
            if (ok) {
                String ts = r.param("transfer-syntax");
                return ts == null || ts.equals("*") ? null : ts;
            }
        }
        throw HttpFailure.notAcceptable("instances are given as multipart/related; type=\"application/dicom\", not "
                + accept);
    }

    // ---- metadata ----

    void metadata(Context ctx, String study, String series, String sop) throws Exception {
        boolean xml = QidoRs.negotiateXml(ctx);
        QidoRs.uid(study);
        Principal p = HttpAuth.principal(ctx);
        AttributeList identifier = new AttributeList();
        put(identifier, TagFromName.QueryRetrieveLevel, "IMAGE");
        put(identifier, TagFromName.StudyInstanceUID, study);
        if (series != null) {
            put(identifier, TagFromName.SeriesInstanceUID, QidoRs.uid(series));
        }
        if (sop != null) {
            put(identifier, TagFromName.SOPInstanceUID, QidoRs.uid(sop));
        }
        String base = QidoRs.baseUrl(ctx);
        OutputStream[] out = {null};
        MultipartOut[] mp = {null};
        int[] n = {0};
        metadataQuery.find(InformationModel.STUDY_ROOT, identifier,
                new FindOptions(access.cohortPrefixes(p), true, true), new PacsQuery.MatchSink() {
                    @Override
                    public boolean cancelled() {
                        return false;
                    }

                    @Override
                    public void pending(AttributeList a, boolean unsupportedKeys) {
                        try {
                            if (out[0] == null) {
                                ctx.status(200);
                                out[0] = ctx.outputStream();
                                if (xml) {
                                    mp[0] = new MultipartOut(out[0]);
                                    ctx.contentType(mp[0].contentType("application/dicom+xml"));
                                } else {
                                    ctx.contentType("application/dicom+json");
                                    out[0].write('[');
                                }
                            }
                            a.remove(TagFromName.QueryRetrieveLevel);
                            String url = instanceUrl(base, a) + "/bulkdata/7FE00010";
                            boolean image = a.get(TagFromName.Rows) != null;
                            int bits = Attribute.getSingleIntegerValueOrDefault(a, TagFromName.BitsAllocated, 16);
                            Map<String, javax.json.JsonObject> bulk = image
                                    ? Map.of("7FE00010", DicomJson.bulk(bits > 8 ? "OW" : "OB", url)) : Map.of();
                            if (xml) {
                                mp[0].part("application/dicom+xml; charset=utf-8", -1).write(DicomJson.xml(a, bulk));
                            } else {
                                if (n[0] > 0) {
                                    out[0].write(',');
                                }
                                DicomJson.write(DicomJson.object(a, bulk), out[0]);
                            }
                            n[0]++;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (DicomException e) {
                            throw new IllegalStateException("cannot write metadata: " + e.getMessage(), e);
                        }
                    }
                });
        if (n[0] == 0) {
            throw HttpFailure.notFound("no such " + (sop != null ? "instance" : series != null ? "series" : "study"));
        }
        if (xml) {
            mp[0].end();
        } else {
            out[0].write(']');
        }
        Audit.event("WADO-RS").with("user", p.name()).with("remote", ctx.ip()).with("study", study)
                .with("series", series).with("sop", sop).with("detail", "metadata").with("instances", n[0])
                .with("status", "0000").write();
    }

    static String instanceUrl(String base, AttributeList a) {
        return base + "/studies/" + Attribute.getSingleStringValueOrEmptyString(a, TagFromName.StudyInstanceUID)
                + "/series/" + Attribute.getSingleStringValueOrEmptyString(a, TagFromName.SeriesInstanceUID)
                + "/instances/" + Attribute.getSingleStringValueOrEmptyString(a, TagFromName.SOPInstanceUID);
    }

    // ---- frames and bulk data ----

    void frames(Context ctx, String study, String series, String sop, String list) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                int f = Integer.parseInt(s.trim());
                if (f < 1) {
                    throw new NumberFormatException();
                }
                numbers.add(f);
            } catch (NumberFormatException e) {
                throw HttpFailure.badRequest("frame numbers are 1, 2, ...: " + list);
            }
        }
        LocatedInstance li = locate(ctx, study, series, sop).get(0);
        Path file = file(li);
        String[] media = frameMedia(MediaRange.accept(ctx), li.fileTsuid);
        int frames = frameCount(file);
        for (int f : numbers) {
            if (f > frames) {
                throw HttpFailure.notFound("instance " + sop + " has " + frames + " frame(s), not " + f);
            }
        }
        ctx.status(200);
        MultipartOut mp = new MultipartOut(ctx.outputStream());
        ctx.contentType(mp.contentType(media[0]));
        for (int f : numbers) {
            byte[] b = frame(file, f, media[1]);
            mp.part(media[0] + "; transfer-syntax=" + media[1], b.length).write(b);
        }
        mp.end();
    }

    /** Bulk data of an instance: the pixel data (the only bulk data the metadata refers to), uncompressed. */
    void bulkdata(Context ctx, String study, String series, String sop, String tag) throws IOException {
        if (!tag.equalsIgnoreCase("7FE00010")) {
            throw HttpFailure.notFound("no bulk data " + tag + " (only the pixel data, 7FE00010, is kept apart)");
        }
        LocatedInstance li = locate(ctx, study, series, sop).get(0);
        Path file = file(li);
        String[] media = frameMedia(MediaRange.accept(ctx), li.fileTsuid);
        int frames = frameCount(file);
        ctx.status(200);
        MultipartOut mp = new MultipartOut(ctx.outputStream());
        ctx.contentType(mp.contentType(media[0]));
        if (media[0].equals("application/octet-stream")) {
            // one part: the whole value, frame after frame (PS3.18 8.7.3.3.1), written as each is
            // decoded (no Content-Length: a long cine is never held whole)
            OutputStream out = mp.part(media[0] + "; transfer-syntax=" + media[1], -1);
            for (int f = 1; f <= frames; f++) {
                out.write(frame(file, f, media[1]));
            }
        } else {
            for (int f = 1; f <= frames; f++) {
                byte[] b = frame(file, f, media[1]);
                mp.part(media[0] + "; transfer-syntax=" + media[1], b.length).write(b);
            }
        }
        mp.end();
    }

    /**
     * Media type and transfer syntax of frames (PS3.18 8.7.3.3.2): application/octet-stream is
     * uncompressed (Explicit VR Little Endian), the default; an image type is the stored
     * compressed frame when the stored syntax is that type, or one the codec unit encodes.
     */
    String[] frameMedia(String accept, String storedTs) {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            String type = r.is("multipart/related") ? r.param("type") : null;
            String ts = r.param("transfer-syntax");
            if (r.is("*/*") || r.is("multipart/*") || (r.is("multipart/related") && type == null)) {
                return new String[] {"application/octet-stream", EXPLICIT_LE};
            }
            if (type == null) {
                continue;
            }
            type = type.toLowerCase();
            if (type.equals("application/octet-stream")) {
                if (ts == null || ts.equals(EXPLICIT_LE) || ts.equals("*")) {
                    return new String[] {type, EXPLICIT_LE};
                }
                continue;
            }
            if (ts == null || ts.equals("*")) {
                if (type.equals(mediaTypeOf(storedTs))) {
                    return new String[] {type, storedTs};
                }
                for (String candidate : ENCODED_BY_TYPE.getOrDefault(type, List.of())) {
                    if (codec.canTranscode(storedTs, candidate)) {
                        return new String[] {type, candidate};
                    }
                }
            } else if (type.equals(mediaTypeOf(ts)) && codec.canTranscode(storedTs, ts)) {
                return new String[] {type, ts};
            }
        }
        throw HttpFailure.notAcceptable("frames of this instance (stored in " + storedTs
                + ") can be given as application/octet-stream or " + mediaTypeOf(storedTs) + ", not " + accept);
    }

    /** Lossless syntaxes the codec may encode a frame in, by media type. */
    private static final Map<String, List<String>> ENCODED_BY_TYPE = Map.of(
            "image/jpeg", List.of("1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57"),
            "image/jls", List.of("1.2.840.10008.1.2.4.80"),
            "image/jp2", List.of("1.2.840.10008.1.2.4.90"),
            "image/dicom-rle", List.of("1.2.840.10008.1.2.5"));

    /** PS3.18 Table 8.7.3-2: the media type of a frame in a transfer syntax. */
    static String mediaTypeOf(String ts) {
        return switch (ts) {
            case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                    "1.2.840.10008.1.2.4.70" -> "image/jpeg";
            case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "image/jls";
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "image/jp2";
            case "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93" -> "image/jpx";
            case "1.2.840.10008.1.2.5" -> "image/dicom-rle";
            default -> "application/octet-stream";
        };
    }

    // ---- rendered and thumbnails (PS3.18 10.4.1.1.3, 10.4.1.1.4) ----

    void rendered(Context ctx, String study, String series, String sop, Integer frame, boolean thumbnail)
            throws IOException {
        String media = renderedMedia(ctx);
        Double center = null;
        Double width = null;
        String window = ctx.queryParam("window");
        if (window != null) {
            String[] w = window.split(",");
            try {
                center = Double.parseDouble(w[0]);
                width = Double.parseDouble(w[1]);
            } catch (RuntimeException e) {
                throw HttpFailure.badRequest("window is center,width[,function]: " + window);
            }
            if (width < 1) {
                throw HttpFailure.badRequest("window width must be at least 1");
            }
        }
        Integer maxSize = thumbnail ? Integer.valueOf(128) : null;
        String viewport = ctx.queryParam("viewport");
        if (viewport != null) {
            try {
                String[] v = viewport.split(",");
                maxSize = Math.max(Integer.parseInt(v[0].trim()), v.length > 1 ? Integer.parseInt(v[1].trim()) : 0);
            } catch (RuntimeException e) {
                throw HttpFailure.badRequest("viewport is width,height: " + viewport);
            }
            if (maxSize < 1) {
                throw HttpFailure.badRequest("viewport must be at least 1 pixel");
            }
        }
        List<LocatedInstance> found = locate(ctx, study, series, sop);
        List<LocatedInstance> images = new ArrayList<>(found);
        if (thumbnail && images.size() > 1) {
            // a study's or series' thumbnail: its middle instance, as viewers show a series
            images = List.of(images.get(images.size() / 2));
        }
        RenderRequest rq;
        try {
            rq = new RenderRequest(frame == null ? 1 : frame, media, center, width, maxSize, false);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        if (images.size() == 1) {
            Path file = file(images.get(0));
            if (frame != null && frame > frameCount(file)) {
                throw HttpFailure.notFound("no such frame: instance " + images.get(0).sopIuid + " has "
                        + frameCount(file));
            }
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try {
                codec.render(file, rq, b);
            } catch (CodecException e) {
                throw new HttpFailure(406, "cannot render " + images.get(0).sopIuid + ": " + e.getMessage(), e);
            }
            ctx.status(200).contentType(media);
            ctx.outputStream().write(b.toByteArray());
            return;
        }
        // a rendered study or series: one image per instance (PS3.18 10.4.1.1.3)
        ctx.status(200);
        MultipartOut mp = new MultipartOut(ctx.outputStream());
        ctx.contentType(mp.contentType(media));
        for (LocatedInstance li : images) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try {
                codec.render(file(li), rq, b);
            } catch (CodecException | HttpFailure e) {
                LOG.error("rendering {} left out: {}", li.sopIuid, e.getMessage());
                continue;
            }
            mp.part(media, b.size()).write(b.toByteArray());
        }
        mp.end();
    }

    private static String renderedMedia(Context ctx) {
        for (MediaRange r : MediaRange.parseAccept(MediaRange.accept(ctx))) {
            if (r.is("image/jpeg") || r.is("*/*") || r.is("image/*")) {
                return RenderRequest.JPEG;
            }
            if (r.is("image/png")) {
                return RenderRequest.PNG;
            }
            if (r.is("multipart/related")) {
                String t = r.param("type");
                if (t == null || t.equalsIgnoreCase("image/jpeg")) {
                    return RenderRequest.JPEG;
                }
                if (t.equalsIgnoreCase("image/png")) {
                    return RenderRequest.PNG;
                }
            }
        }
        throw HttpFailure.notAcceptable("rendered images are image/jpeg or image/png");
    }

    // ---- WADO-URI (PS3.18 9) ----

    void wadoUri(Context ctx) throws IOException {
        if (!"WADO".equals(ctx.queryParam("requestType"))) {
            throw HttpFailure.badRequest("requestType must be WADO");
        }
        String study = require(ctx, "studyUID");
        String series = require(ctx, "seriesUID");
        String sop = require(ctx, "objectUID");
        String contentType = ctx.queryParam("contentType");
        List<MediaRange> wanted = MediaRange.parseAccept(contentType == null ? "image/jpeg" : contentType);
        for (MediaRange r : wanted) {
            if (r.is("application/dicom")) {
                LocatedInstance li = locate(ctx, study, series, sop).get(0);
                String ts = ctx.queryParam("transferSyntax");
                if (ts != null && !ts.equals(li.fileTsuid) && !codec.canTranscode(li.fileTsuid, ts)) {
                    throw HttpFailure.notAcceptable("cannot give " + li.fileTsuid + " in " + ts);
                }
                if (ts == null || ts.equals(li.fileTsuid)) {
                    try (ArchiveStorage.StoredData stored = openFile(li)) {
                        ctx.status(200).contentType("application/dicom");
                        ctx.header("Content-Disposition", "attachment; filename=\"" + sop + ".dcm\"");
                        ctx.header("Content-Length", String.valueOf(stored.length));
                        stored.in.transferTo(ctx.outputStream());
                    }
                } else {
                    Path file = file(li);
                    ctx.status(200).contentType("application/dicom");
                    ctx.header("Content-Disposition", "attachment; filename=\"" + sop + ".dcm\"");
                    try {
                        codec.transcode(file, ts, ctx.outputStream(), true);
                    } catch (CodecException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
                auditUri(ctx, li, "application/dicom");
                return;
            }
            if (r.is("image/jpeg") || r.is("image/png") || r.is("*/*") || r.is("image/*")) {
                String media = r.is("image/png") ? RenderRequest.PNG : RenderRequest.JPEG;
                Integer frame = null;
                if (ctx.queryParam("frameNumber") != null) {
                    frame = intParam(ctx, "frameNumber");
                }
                Double center = ctx.queryParam("windowCenter") == null ? null : doubleParam(ctx, "windowCenter");
                Double width = ctx.queryParam("windowWidth") == null ? null : doubleParam(ctx, "windowWidth");
                Integer max = null;
                if (ctx.queryParam("rows") != null || ctx.queryParam("columns") != null) {
                    max = Math.max(ctx.queryParam("rows") == null ? 0 : intParam(ctx, "rows"),
                            ctx.queryParam("columns") == null ? 0 : intParam(ctx, "columns"));
                }
                LocatedInstance li = locate(ctx, study, series, sop).get(0);
                Path file = file(li);
                if (frame != null && frame > frameCount(file)) {
                    throw HttpFailure.notFound("no such frame: instance " + sop + " has " + frameCount(file));
                }
                RenderRequest rq;
                try {
                    rq = new RenderRequest(frame == null ? 1 : frame, media, center, width, max, false);
                } catch (IllegalArgumentException e) {
                    throw HttpFailure.badRequest(e.getMessage());
                }
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                try {
                    codec.render(file, rq, b);
                } catch (CodecException e) {
                    throw new HttpFailure(406, "cannot render " + sop + ": " + e.getMessage(), e);
                }
                ctx.status(200).contentType(media);
                ctx.outputStream().write(b.toByteArray());
                auditUri(ctx, li, media);
                return;
            }
        }
        throw HttpFailure.notAcceptable("WADO-URI gives application/dicom, image/jpeg or image/png, not " + contentType);
    }

    private static void auditUri(Context ctx, LocatedInstance li, String media) {
        Audit.event("WADO-URI").with("user", HttpAuth.principal(ctx).name()).with("remote", ctx.ip())
                .with("patient", li.patId).with("study", li.studyIuid).with("sop", li.sopIuid).with("detail", media)
                .with("status", "0000").write();
    }

    private static String require(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            throw HttpFailure.badRequest(name + " is required");
        }
        return QidoRs.uid(v.trim());
    }

    private static int intParam(Context ctx, String name) {
        try {
            int v = Integer.parseInt(ctx.queryParam(name).trim());
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest(name + " must be a positive number");
        }
    }

    private static double doubleParam(Context ctx, String name) {
        try {
            return Double.parseDouble(ctx.queryParam(name).trim());
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest(name + " must be a number");
        }
    }

    // ---- helpers ----

    private ArchiveStorage.StoredData openFile(LocatedInstance li) {
        try {
            return storage.openFile(li);
        } catch (IOException e) {
            LOG.error("instance {}: {}", li.sopIuid, e.getMessage());
            throw new HttpFailure(500, "the file of instance " + li.sopIuid + " is not readable");
        }
    }

    private Path file(LocatedInstance li) {
        try {
            return storage.file(li);
        } catch (IOException e) {
            LOG.error("instance {}: {}", li.sopIuid, e.getMessage());
            throw new HttpFailure(500, "the file of instance " + li.sopIuid + " is not readable");
        }
    }

    private int frameCount(Path file) {
        try {
            return codec.frames(file);
        } catch (CodecException e) {
            throw new HttpFailure(500, "cannot read the frames: " + e.getMessage(), e);
        }
    }

    private byte[] frame(Path file, int f, String ts) {
        try {
            return codec.frame(file, f, ts);
        } catch (CodecException e) {
            throw new HttpFailure(406, "cannot give frame " + f + " in " + ts + ": " + e.getMessage(), e);
        }
    }

    private static void put(AttributeList list, AttributeTag t, String value) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(t, DicomDictionary.StandardDictionary.getValueRepresentationFromTag(t));
        a.addValue(value);
        list.put(a);
    }

}
