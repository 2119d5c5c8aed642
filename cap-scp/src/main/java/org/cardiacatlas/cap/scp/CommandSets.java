package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Response command sets (PS3.7 9.3), encoded in Implicit VR Little Endian with their group
 * length. PixelMed's response message classes carry no Error Comment, so they are built here
 * from PixelMed attributes.
 */
public final class CommandSets {

    private CommandSets() {
    }

    static byte[] response(DimseRequest rq, DimseResponse r) {
        return response(rq, r, false);
    }

    static byte[] response(DimseRequest rq, DimseResponse r, boolean withDataSet) {
        try {
            AttributeList c = new AttributeList();
            String sopClass = rq.affectedSopClassUid();
            if (!sopClass.isEmpty()) {
                put(c, new UniqueIdentifierAttribute(TagFromName.AffectedSOPClassUID), sopClass);
            }
            putUs(c, TagFromName.CommandField, (rq.commandField() | 0x8000) & 0xffff);
            putUs(c, TagFromName.MessageIDBeingRespondedTo, rq.messageId());
            // any value but 0x0101 announces a data set (PS3.7 E.1)
            putUs(c, TagFromName.CommandDataSetType, withDataSet ? 0x0001 : DimseRequest.NO_DATA_SET);
            putUs(c, TagFromName.Status, r.status());
            if (r.errorComment() != null && r.status() != DimseResponse.SUCCESS) {
                String comment = r.errorComment().length() <= 64 ? r.errorComment() : r.errorComment().substring(0, 64);
                put(c, new LongStringAttribute(TagFromName.ErrorComment), comment.replace('\\', '/'));
            }
            String sopInstance = rq.affectedSopInstanceUid();
            if (!sopInstance.isEmpty() && rq.commandField() == DimseRequest.C_STORE_RQ) {
                put(c, new UniqueIdentifierAttribute(TagFromName.AffectedSOPInstanceUID), sopInstance);
            }
            if (r.extraCommand() != null) {
                c.putAll(r.extraCommand());
            }
            return withGroupLength(c);
        } catch (DicomException e) {
            throw new IllegalStateException("cannot encode a response command: " + e.getMessage(), e);
        }
    }

    /** A command set in Implicit VR Little Endian with its Command Group Length (PS3.7 6.3.1, E.1). */
    public static byte[] withGroupLength(AttributeList c) {
        try {
            c.remove(new AttributeTag(0x0000, 0x0000));
            byte[] body = encode(c);
            UnsignedLongAttribute gl = new UnsignedLongAttribute(new AttributeTag(0x0000, 0x0000));
            gl.addValue(body.length);
            c.put(gl.getTag(), gl);
            return encode(c);
        } catch (DicomException | IOException e) {
            throw new IllegalStateException("cannot encode a command: " + e.getMessage(), e);
        }
    }

    private static void put(AttributeList c, Attribute a, String value) throws DicomException {
        a.addValue(value);
        c.put(a.getTag(), a);
    }

    private static void putUs(AttributeList c, AttributeTag t, int value) throws DicomException {
        UnsignedShortAttribute a = new UnsignedShortAttribute(t);
        a.addValue(value);
        c.put(t, a);
    }

    private static byte[] encode(AttributeList c) throws IOException, DicomException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        DicomOutputStream d = new DicomOutputStream(b, null, TransferSyntax.ImplicitVRLittleEndian);
        c.write(d);
        d.flush();
        return b.toByteArray();
    }
}
