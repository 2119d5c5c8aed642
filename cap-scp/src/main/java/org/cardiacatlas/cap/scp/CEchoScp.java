package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.SOPClass;

/** Verification (PS3.4 Annex A). */
public final class CEchoScp implements DimseService {

    @Override
    public int commandField() {
        return DimseRequest.C_ECHO_RQ;
    }

    @Override
    public boolean acceptsAbstractSyntax(String sopClassUid) {
        return SOPClass.Verification.equals(sopClassUid);
    }

    @Override
    public boolean acceptsTransferSyntax(String ts) {
        return DimseService.uncompressedLittleEndian(ts);
    }

    @Override
    public DimseResponse serve(DimseRequest rq, ResponseChannel channel) {
        rq.association().echoes++;
        return DimseResponse.success();
    }
}
