package org.cardiacatlas.cap.commit;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ApplicationEntityAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cardiacatlas.cap.scp.CommandSets;

/**
 * The messages of the Storage Commitment Push Model (PS3.4 J.3), and the text form in which a
 * request's references and their outcome are kept in {@code stgcmt_pending}.
 */
public final class Commitment {

    public static final String SOP_CLASS = "1.2.840.10008.1.20.1";
    /** The well-known SOP Instance of the Push Model (PS3.4 J.3.5). */
    public static final String SOP_INSTANCE = "1.2.840.10008.1.20.1.1";

    static final AttributeTag TRANSACTION_UID = new AttributeTag(0x0008, 0x1195);
    static final AttributeTag FAILED_SOP_SEQUENCE = new AttributeTag(0x0008, 0x1198);
    static final AttributeTag FAILURE_REASON = new AttributeTag(0x0008, 0x1197);
    static final AttributeTag ACTION_TYPE_ID = new AttributeTag(0x0000, 0x1008);
    static final AttributeTag EVENT_TYPE_ID = new AttributeTag(0x0000, 0x1002);

    /** Failure Reasons, PS3.3 C.14.1.1. */
    public static final int NO_SUCH_OBJECT_INSTANCE = 0x0112;
    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int CLASS_INSTANCE_CONFLICT = 0x0119;

    /** Event Type IDs, PS3.4 J.3.3: all committed, some failed. */
    public static final int ALL_COMMITTED = 1;
    public static final int SOME_FAILED = 2;

    private Commitment() {
    }

    /** One referenced instance, and once checked, its Failure Reason (0: committed). */
    public record Item(String sopClassUid, String sopInstanceUid, int reason) {
    }

    /** "class instance reason" lines: UIDs hold no spaces (PS3.5 9.1), so this is unambiguous. */
    static byte[] encode(List<Item> items) {
        StringBuilder sb = new StringBuilder(items.size() * 70);
        for (Item i : items) {
            sb.append(i.sopClassUid()).append(' ').append(i.sopInstanceUid()).append(' ').append(i.reason()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static List<Item> decode(byte[] bytes) {
        List<Item> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ");
            out.add(new Item(f[0], f[1], Integer.parseInt(f[2])));
        }
        return out;
    }

    static int failed(List<Item> items) {
        int n = 0;
        for (Item i : items) {
            if (i.reason() != 0) {
                n++;
            }
        }
        return n;
    }

    /** N-EVENT-REPORT-RQ command set (PS3.7 10.3.1). */
    static byte[] eventReportCommand(int messageId, int eventType) {
        try {
            AttributeList c = new AttributeList();
            ui(c, TagFromName.AffectedSOPClassUID, SOP_CLASS);
            us(c, TagFromName.CommandField, 0x0100);
            us(c, TagFromName.MessageID, messageId);
            us(c, TagFromName.CommandDataSetType, 0x0001);
            ui(c, TagFromName.AffectedSOPInstanceUID, SOP_INSTANCE);
            us(c, EVENT_TYPE_ID, eventType);
            return CommandSets.withGroupLength(c);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The Event Information of the report (PS3.4 J.3.3.1): Transaction UID, Retrieve AE Title
     * and the Referenced SOP Sequence of the committed instances, the Failed SOP Sequence with
     * each Failure Reason.
     */
    static AttributeList eventInformation(String transactionUid, List<Item> items, String retrieveAet) {
        try {
            AttributeList d = new AttributeList();
            ui(d, TRANSACTION_UID, transactionUid);
            SequenceAttribute ok = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
            SequenceAttribute failed = new SequenceAttribute(FAILED_SOP_SEQUENCE);
            for (Item i : items) {
                AttributeList item = new AttributeList();
                ui(item, TagFromName.ReferencedSOPClassUID, i.sopClassUid());
                ui(item, TagFromName.ReferencedSOPInstanceUID, i.sopInstanceUid());
                if (i.reason() == 0) {
                    ok.addItem(item);
                } else {
                    us(item, FAILURE_REASON, i.reason());
                    failed.addItem(item);
                }
            }
            if (ok.getNumberOfItems() > 0) {
                ApplicationEntityAttribute ae = new ApplicationEntityAttribute(TagFromName.RetrieveAETitle);
                ae.addValue(retrieveAet);
                d.put(ae.getTag(), ae);
                d.put(ok.getTag(), ok);
            }
            if (failed.getNumberOfItems() > 0) {
                d.put(failed.getTag(), failed);
            }
            return d;
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    static void ui(AttributeList l, AttributeTag t, String v) throws DicomException {
        UniqueIdentifierAttribute a = new UniqueIdentifierAttribute(t);
        a.addValue(v);
        l.put(t, a);
    }

    static void us(AttributeList l, AttributeTag t, int v) throws DicomException {
        UnsignedShortAttribute a = new UnsignedShortAttribute(t);
        a.addValue(v);
        l.put(t, a);
    }
}
