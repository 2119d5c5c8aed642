package org.cardiacatlas.cap.scp;

import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;
import java.util.LinkedList;
import java.util.List;

/**
 * Accepts a presentation context when a registered service accepts its abstract syntax,
 * with the first proposed transfer syntax that service accepts (the sender's preference, so
 * that files keep the syntax they were sent in). Result values: PS3.8 9.3.3.2.
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
            String chosen = null;
            for (Object t : (List<?>) pc.getTransferSyntaxUIDs()) {
                if (service.acceptsTransferSyntax((String) t)) {
                    chosen = (String) t;
                    break;
                }
            }
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
