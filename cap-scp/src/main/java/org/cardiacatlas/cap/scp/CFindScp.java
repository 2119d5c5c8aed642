package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import java.util.Set;
import org.cardiacatlas.cap.query.FindOptions;
import org.cardiacatlas.cap.query.InformationModel;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.query.QueryMode;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.dicom.DataSets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Query/Retrieve - FIND in the Patient Root and Study Root Information Models (PS3.4 C.4.1):
 * the identifier goes to the query unit, each match back as a pending response, and a
 * C-CANCEL-RQ ends the answer with status Cancel.
 */
public final class CFindScp implements DimseService {

    private static final Logger LOG = LoggerFactory.getLogger(CFindScp.class);

    /** Status codes of C-FIND responses (PS3.4 C.4.1.1.4). */
    static final int PENDING = 0xFF00;
    static final int PENDING_UNSUPPORTED_KEYS = 0xFF01;
    static final int CANCEL = 0xFE00;

    private static final Set<String> TRANSFER_SYNTAXES = Set.of(TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRBigEndian);

    private final PacsQuery query;

    public CFindScp(PacsQuery query) {
        this.query = query;
    }

    @Override
    public int commandField() {
        return DimseRequest.C_FIND_RQ;
    }

    @Override
    public boolean acceptsAbstractSyntax(String sopClassUid) {
        return InformationModel.ofFindSopClass(sopClassUid) != null;
    }

    @Override
    public boolean acceptsTransferSyntax(String transferSyntaxUid) {
        return TRANSFER_SYNTAXES.contains(transferSyntaxUid);
    }

    @Override
    public DimseResponse serve(DimseRequest rq, ResponseChannel channel) throws DicomServiceException {
        InformationModel model = InformationModel.ofFindSopClass(rq.affectedSopClassUid());
        if (model == null) {
            throw new DicomServiceException(DicomServiceException.NO_SUCH_SOP_CLASS,
                    "not a FIND SOP Class: " + rq.affectedSopClassUid());
        }
        AttributeList identifier = identifier(rq);
        long t0 = System.nanoTime();
        QueryMode mode = query.mode(rq.association().relationalQueries.contains(rq.affectedSopClassUid()));
        boolean fuzzy = rq.association().fuzzyNameQueries.contains(rq.affectedSopClassUid());
        FindOptions options = fuzzy ? new FindOptions(java.util.List.of(), false, false, true) : FindOptions.DIMSE;
        PacsQuery.Result r = query.find(model, identifier, mode, options, new PacsQuery.MatchSink() {
            @Override
            public boolean cancelled() {
                return channel.cancelled();
            }

            @Override
            public void pending(AttributeList answer, boolean unsupportedKeys) {
                channel.sendPending(unsupportedKeys ? PENDING_UNSUPPORTED_KEYS : PENDING, null, answer);
            }
        });
        double ms = Math.round((System.nanoTime() - t0) / 100_000.0) / 10.0;
        rq.association().countQuery(r.matches());
        rq.matches(r.matches());
        String patient = Attribute.getSingleStringValueOrEmptyString(identifier, TagFromName.PatientID).trim();
        String study = Attribute.getDelimitedStringValuesOrEmptyString(identifier, TagFromName.StudyInstanceUID).trim();
        // the audit names what was asked for when it is one patient or one study
        rq.about(patient.isEmpty() || patient.contains("*") || patient.contains("?") ? null : patient,
                study.isEmpty() || study.contains("\\") ? null : study, null, 0);
        if (r.cancelled()) {
            LOG.info("C-FIND cancelled by the peer after {} matches ({} ms)", r.matches(), ms);
            return new DimseResponse(CANCEL, null, null);
        }
        // bin/bench-find reads these lines for the time spent in the server
        LOG.debug("C-FIND {}: {} matches in {} ms ({} search)", model, r.matches(), ms, mode);
        return DimseResponse.success();
    }

    private static AttributeList identifier(DimseRequest rq) throws DicomServiceException {
        if (!rq.hasDataSet() || !(rq.data() instanceof MemorySink sink)) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS, "C-FIND-RQ without identifier");
        }
        AttributeList list;
        try {
            list = DataSets.read(sink.bytes(), rq.transferSyntaxUid());
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                    "unreadable identifier: " + e.getMessage(), e);
        }
        return list;
    }
}
