package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import java.util.ArrayList;
import java.util.List;

/**
 * What an instance lacks of the modules every composite IOD and every image has (PS3.3 C.7.1.1
 * Patient, C.7.2.1 General Study, C.7.3.1 General Series, C.7.6.3 Image Pixel): type 1
 * attributes absent or empty, type 2 absent. The archive keeps what the scanner sent, so an
 * incomplete IOD is stored and this list goes into its WARN line and audit record; it is not
 * a full IOD validation.
 */
public final class IodCheck {

    private static final List<AttributeTag> TYPE_2 = List.of(TagFromName.PatientName, TagFromName.PatientID,
            TagFromName.PatientBirthDate, TagFromName.PatientSex, TagFromName.StudyDate, TagFromName.StudyTime,
            TagFromName.ReferringPhysicianName, TagFromName.StudyID, TagFromName.AccessionNumber,
            TagFromName.SeriesNumber);
    private static final List<AttributeTag> TYPE_1 = List.of(TagFromName.Modality);
    private static final List<AttributeTag> IMAGE_TYPE_1 = List.of(TagFromName.Rows, TagFromName.Columns,
            TagFromName.BitsAllocated, TagFromName.BitsStored, TagFromName.HighBit, TagFromName.PixelRepresentation,
            TagFromName.SamplesPerPixel, TagFromName.PhotometricInterpretation);

    private IodCheck() {
    }

    /** The names of what is missing, e.g. "PixelData (type 1)"; empty when nothing is. */
    public static List<String> missing(AttributeList a, String sopClassUid, boolean hadPixelData) {
        List<String> out = new ArrayList<>();
        for (AttributeTag t : TYPE_1) {
            if (empty(a, t)) {
                out.add(name(t) + " (type 1)");
            }
        }
        for (AttributeTag t : TYPE_2) {
            if (a.get(t) == null) {
                out.add(name(t) + " (type 2)");
            }
        }
        boolean image = SOPClass.isImageStorage(sopClassUid) || a.get(TagFromName.Rows) != null;
        if (image) {
            for (AttributeTag t : IMAGE_TYPE_1) {
                if (empty(a, t)) {
                    out.add(name(t) + " (type 1)");
                }
            }
            if (!hadPixelData) {
                out.add("PixelData (type 1)");
            }
        }
        return out;
    }

    private static boolean empty(AttributeList a, AttributeTag t) {
        Attribute x = a.get(t);
        return x == null || x.getVM() == 0;
    }

    private static String name(AttributeTag t) {
        String n = AttributeList.getDictionary().getNameFromTag(t);
        return n == null ? t.toString() : n;
    }
}
