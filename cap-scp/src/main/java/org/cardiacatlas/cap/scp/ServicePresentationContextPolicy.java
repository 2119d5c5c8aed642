package org.cardiacatlas.cap.scp;

import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;
import java.util.LinkedList;
import java.util.List;

/**
 * Accepts a presentation context when a registered service accepts its abstract syntax, with
 * the first proposed transfer syntax that service accepts (the sender's preference, so that
 * files keep the compressed syntax they were sent in), except that Explicit VR Little Endian
 * is taken over Implicit VR Little Endian and Explicit VR Big Endian wherever both were
 * proposed, as DCMTK's storescp and Orthanc do: explicit VRs keep what the sender encoded.
 * Result values: PS3.8 9.3.3.2.
 */
final class ServicePresentationContextPolicy implements PresentationContextSelectionPolicy {

    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    private final DimseServiceRegistry registry;

    ServicePresentationContextPolicy(DimseServiceRegistry registry) {
        this.registry = registry;
    }

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int associationNumber,
            int debugLevel) {
        return applyPresentationContextSelectionPolicy(presentationContexts, associationNumber);
    }

    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";

    /** The transfer syntax accepted from a proposal, or null. */
    static String choose(DimseService service, List<?> proposed) {
        String chosen = null;
        for (Object t : proposed) {
            if (service.acceptsTransferSyntax((String) t)) {
                chosen = (String) t;
                break;
            }
        }
        if ((IMPLICIT_LE.equals(chosen) || EXPLICIT_BE.equals(chosen)) && proposed.contains(EXPLICIT_LE)
                && service.acceptsTransferSyntax(EXPLICIT_LE)) {
            return EXPLICIT_LE;
        }
        return chosen;
    }

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int associationNumber) {
        for (Object o : presentationContexts) {
            PresentationContext pc = (PresentationContext) o;
            String as = pc.getAbstractSyntaxUID();
            DimseService service = null;
            for (DimseService s : registry.all()) {
                if (s.acceptsAbstractSyntax(as)) {
                    service = s;
                    break;
                }
            }
            if (service == null) {
                pc.newTransferSyntaxUIDs();
                pc.setResultReason(ABSTRACT_SYNTAX_NOT_SUPPORTED);
                continue;
            }
            String chosen = choose(service, (List<?>) pc.getTransferSyntaxUIDs());
            pc.newTransferSyntaxUIDs();
            if (chosen == null) {
                pc.setResultReason(TRANSFER_SYNTAXES_NOT_SUPPORTED);
            } else {
                pc.addTransferSyntaxUID(chosen);
                pc.setResultReason(ACCEPTANCE);
            }
        }
        return presentationContexts;
    }
}
