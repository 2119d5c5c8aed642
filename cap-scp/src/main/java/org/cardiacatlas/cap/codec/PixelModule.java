package org.cardiacatlas.cap.codec;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/** The Image Pixel Module attributes the codec needs (PS3.3 C.7.6.3), read from a data set. */
record PixelModule(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored, int highBit,
        int pixelRepresentation, String photometric, int planarConfiguration, int frames) {

    static PixelModule of(AttributeList list) throws CodecException {
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        if (rows <= 0 || columns <= 0 || (bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32)) {
            throw new CodecException("no image pixel module the codec can handle (rows " + rows + ", columns " + columns
                    + ", bits allocated " + bitsAllocated + ")");
        }
        int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
        int frames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1));
        return new PixelModule(rows, columns,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1), bitsAllocated, bitsStored,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.HighBit, bitsStored - 1),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0),
                Attribute.getSingleStringValueOrDefault(list, TagFromName.PhotometricInterpretation, "MONOCHROME2").trim(),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0), frames);
    }

    /** Bytes of one native frame. */
    int frameLength() {
        return rows * columns * samplesPerPixel * (bitsAllocated / 8);
    }

    PixelModule withPhotometric(String pi, int planar) {
        return new PixelModule(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, highBit, pixelRepresentation, pi,
                planar, frames);
    }

    String describe() {
        return columns + "x" + rows + "x" + frames + " " + photometric + " " + samplesPerPixel + "x" + bitsStored + "/"
                + bitsAllocated + " bit" + (pixelRepresentation == 1 ? " signed" : "");
    }
}
