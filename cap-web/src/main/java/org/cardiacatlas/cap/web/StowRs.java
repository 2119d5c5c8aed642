package org.cardiacatlas.cap.web;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.store.StoreUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STOW-RS (PS3.18 10.5): each part of a multipart/related; type="application/dicom" request
 * goes through the store unit of C-STORE (durability, index, XPACS, duplicate policy), one
 * after the other as the request streams in; the answer lists the Referenced and the Failed
 * SOP Sequence with the status a C-STORE would have got as Failure Reason.
 */
final class StowRs {

    private static final Logger LOG = LoggerFactory.getLogger(StowRs.class);
    static final AttributeTag FAILURE_REASON = new AttributeTag(0x0008, 0x1197);
    static final AttributeTag FAILED_SOP_SEQUENCE = new AttributeTag(0x0008, 0x1198);
    static final AttributeTag REFERENCED_SOP_SEQUENCE = new AttributeTag(0x0008, 0x1199);
    /** The source "AE title" of what arrives over HTTP, in the index. */
    static final String SOURCE = "STOW-RS";

    private final StoreUnit store;
    private final AccessControl access;
    private final long maxBytes;

    StowRs(StoreUnit store, AccessControl access, long maxBytes) {
        this.store = store;
        this.access = access;
        this.maxBytes = maxBytes;
    }

    void store(Context ctx, String pathStudy) throws IOException, DicomException {
        Principal p = HttpAuth.principal(ctx);
        if (!access.mayStore(p)) {
            throw new HttpFailure(403, "user " + p.name() + " (" + p.role().key() + ") may not store");
        }
        if (pathStudy != null) {
            QidoRs.uid(pathStudy);
        }
        boolean xml = responseXml(MediaRange.accept(ctx));
        String contentType = ctx.header("Content-Type");
        MediaRange ct = contentType == null ? null : MediaRange.parse(contentType);
        if (ct == null || !ct.is("multipart/related") || ct.param("boundary") == null) {
            throw new HttpFailure(415, "STOW-RS takes multipart/related; type=\"application/dicom\" with a boundary");
        }
        String type = ct.param("type");
        if (type != null && !type.equalsIgnoreCase("application/dicom")) {
            throw new HttpFailure(415, "only type=\"application/dicom\" parts are stored, not " + type);
        }
        long length = ctx.req().getContentLengthLong();
        if (length > maxBytes) {
            throw new HttpFailure(413, "request of " + length + " bytes exceeds --http-max-request-mb");
        }
        InputStream body = new Limited(ctx.req().getInputStream(), maxBytes);
        MimeTokenStream mime = new MimeTokenStream(MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderCount(-1)
                .setMaxHeaderLen(-1).setMaxContentLen(-1).build());
        mime.parseHeadless(body, contentType);

        SequenceAttribute referenced = new SequenceAttribute(REFERENCED_SOP_SEQUENCE);
        SequenceAttribute failed = new SequenceAttribute(FAILED_SOP_SEQUENCE);
        String base = QidoRs.baseUrl(ctx);
        int parts = 0;
        try {
            for (EntityState st = mime.getState(); st != EntityState.T_END_OF_STREAM; st = mime.next()) {
                if (st != EntityState.T_BODY) {
                    continue;
                }
                parts++;
                String partType = mime.getBodyDescriptor().getMimeType();
                if (!"application/dicom".equalsIgnoreCase(partType)) {
                    LOG.warn("STOW-RS part {} refused: type {} is not application/dicom", parts, partType);
                    failed.addItem(failure(null, null, DicomServiceException.CANNOT_UNDERSTAND));
                    continue;
                }
                storePart(mime.getDecodedInputStream(), p, pathStudy, base, referenced, failed, ctx.ip());
            }
        } catch (MimeException e) {
            throw HttpFailure.badRequest("malformed multipart request: " + e.getMessage());
        } catch (TooLarge e) {
            throw new HttpFailure(413, "request exceeds --http-max-request-mb (" + maxBytes + " bytes)");
        }
        if (parts == 0) {
            throw HttpFailure.badRequest("no parts in the multipart request (boundary " + ct.param("boundary") + ")");
        }
        AttributeList answer = new AttributeList();
        if (pathStudy != null) {
            Attribute url = AttributeFactory.newAttribute(QidoRs.RETRIEVE_URL, ValueRepresentation.UR);
            url.addValue(base + "/studies/" + pathStudy);
            answer.put(url);
        }
        if (failed.getNumberOfItems() > 0) {
            answer.put(failed);
        }
        if (referenced.getNumberOfItems() > 0) {
            answer.put(referenced);
        }
        // PS3.18 10.5.3: 200 all stored, 202 some, 409 none
        int status = failed.getNumberOfItems() == 0 ? 200 : referenced.getNumberOfItems() == 0 ? 409 : 202;
        ctx.status(status);
        if (xml) {
            ctx.contentType("application/dicom+xml; charset=utf-8");
            ctx.outputStream().write(DicomJson.xml(answer));
        } else {
            ctx.contentType("application/dicom+json");
            DicomJson.write(DicomJson.object(answer, Map.of()), ctx.outputStream());
        }
        LOG.info("STOW-RS: {} stored, {} failed", referenced.getNumberOfItems(), failed.getNumberOfItems());
    }

    /**
     * PS3.18 10.5.3: the answer is one data set, application/dicom+json (the default) or
     * application/dicom+xml (not multipart, unlike a QIDO-RS answer); 406 for anything else.
     */
    static boolean responseXml(String accept) {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.is("application/dicom+json") || r.is("application/json") || r.is("*/*") || r.is("application/*")) {
                return false;
            }
            if (r.is("application/dicom+xml") || r.is("application/xml")) {
                return true;
            }
        }
        throw HttpFailure.notAcceptable("STOW-RS answers application/dicom+json or application/dicom+xml, not " + accept);
    }

    private void storePart(InputStream in, Principal p, String pathStudy, String base, SequenceAttribute referenced,
            SequenceAttribute failed, String remote) throws DicomException {
        String[] about = {null, null, null};
        String[] uids = {null, null};
        long[] size = {0};
        StoreUnit.Admission admission = (patientId, studyUid) -> {
            if (pathStudy != null && !pathStudy.equals(studyUid)) {
                throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                        "Study Instance UID differs from the request's " + pathStudy);
            }
            if (!access.maySeePatient(p, patientId)) {
                throw new DicomServiceException(StoreUnit.NOT_AUTHORIZED,
                        "patient " + patientId + " is outside the cohorts of " + p.name());
            }
        };
        try {
            StoreUnit.Stored s = store.storePart10(in, SOURCE, (cuid, iuid) -> {
                uids[0] = cuid;
                uids[1] = iuid;
            }, (patientId, study, series, bytes) -> {
                about[0] = patientId;
                about[1] = study;
                about[2] = series;
                size[0] = bytes;
            }, admission);
            AttributeList item = new AttributeList();
            put(item, TagFromName.ReferencedSOPClassUID, s.sopClassUid());
            put(item, TagFromName.ReferencedSOPInstanceUID, s.sopInstanceUid());
            Attribute url = AttributeFactory.newAttribute(QidoRs.RETRIEVE_URL, ValueRepresentation.UR);
            url.addValue(base + "/studies/" + s.studyUid() + "/series/" + s.seriesUid() + "/instances/"
                    + s.sopInstanceUid());
            item.put(url);
            referenced.addItem(item);
            Audit.event("STOW-RS").with("user", p.name()).with("remote", remote).with("patient", s.patientId())
                    .with("study", s.studyUid()).with("series", s.seriesUid()).with("sop", s.sopInstanceUid())
                    .with("bytes", s.size()).status(0).write();
        } catch (DicomServiceException e) {
            // what a C-STORE would have answered, as Failure Reason (PS3.18 10.5.3)
            LOG.warn("STOW-RS instance of study {} refused ({}): {}", about[1], String.format("%04X", e.status()),
                    e.getMessage());
            failed.addItem(failure(uids[0], uids[1], e.status()));
            Audit.event("STOW-RS").with("user", p.name()).with("remote", remote).with("patient", about[0])
                    .with("study", about[1]).with("series", about[2]).with("sop", uids[1]).with("bytes", size[0])
                    .with("detail", e.getMessage()).status(e.status()).write();
        }
    }

    private static AttributeList failure(String cuid, String iuid, int reason) throws DicomException {
        AttributeList item = new AttributeList();
        put(item, TagFromName.ReferencedSOPClassUID, cuid);
        put(item, TagFromName.ReferencedSOPInstanceUID, iuid);
        Attribute r = AttributeFactory.newAttribute(FAILURE_REASON, ValueRepresentation.US);
        r.addValue(reason);
        item.put(r);
        return item;
    }

    private static void put(AttributeList list, AttributeTag t, String v) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(t, ValueRepresentation.UI);
        if (v != null) {
            a.addValue(v);
        }
        list.put(a);
    }

    /** More than the limit: refused with 413 however the length was announced. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("request too large");
        }
    }

    private static final class Limited extends FilterInputStream {
        private final long max;
        private long count;

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > max) {
                throw new TooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (count += n) > max) {
                throw new TooLarge();
            }
            return n;
        }
    }
}
