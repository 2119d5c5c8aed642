package org.cardiacatlas.cap.scp;

import java.util.List;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.codec.Codec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patient Root and Study Root Query/Retrieve - GET (PS3.4 C.4.3): the instances go back on the
 * requester's own association, over the storage presentation contexts it proposed with the
 * SCP role (PS3.7 D.3.3.4).
 */
public final class CGetScp implements DimseService {

    private static final Logger LOG = LoggerFactory.getLogger(CGetScp.class);

    private final RetrieveIndex index;
    private final SubOperations subOperations;

    private final boolean strict;

    public CGetScp(RetrieveIndex index, ArchiveStorage storage, boolean verifyMd5) {
        this(index, storage, new Codec(), verifyMd5, false);
    }

    /** @param strict PATIENT level only in the Patient Root model (--strict-queries) */
    public CGetScp(RetrieveIndex index, ArchiveStorage storage, Codec codec, boolean verifyMd5, boolean strict) {
        this.index = index;
        this.subOperations = new SubOperations(storage, codec, verifyMd5);
        this.strict = strict;
    }

    @Override
    public int commandField() {
        return DimseRequest.C_GET_RQ;
    }

    @Override
    public boolean acceptsAbstractSyntax(String uid) {
        return uid.equals(RetrieveKeys.PATIENT_ROOT_GET) || uid.equals(RetrieveKeys.STUDY_ROOT_GET);
    }

    @Override
    public boolean acceptsTransferSyntax(String ts) {
        return DimseService.uncompressedLittleEndian(ts);
    }

    @Override
    public DimseResponse serve(DimseRequest rq, ResponseChannel channel) throws DicomServiceException {
        RetrieveKeys keys = RetrieveKeys.parse(rq, strict);
        List<LocatedInstance> instances = index.locate(keys.patientId, keys.studyUids, keys.seriesUids, keys.sopUids);
        rq.association().retrieves++;
        if (!instances.isEmpty()) {
            rq.about(instances.get(0).patId, instances.get(0).studyIuid, null, 0);
        }
        LOG.info("C-GET {}: {} instances", keys.describe(), instances.size());
        String[] why = new String[1];
        SubOperations.Tally t = subOperations.run(channel.association(), instances, null, 0, rq, channel, why);
        LOG.info("C-GET done: {} completed, {} failed, {} warnings{}", t.completed, t.failed, t.warning,
                t.cancelled ? ", cancelled" : "");
        return t.finalResponse(why[0]);
    }
}
