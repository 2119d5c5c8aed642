package org.cardiacatlas.cap.codec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GDCM through its Java bindings (Debian's libgdcm-java): the JNI library is loaded on first
 * use, from {@code java.library.path} or else from Debian's folder. GDCM objects own native
 * memory, so each is deleted as soon as it is done with rather than left to the collector.
 */
final class Gdcm {
    private static final String DEBIAN_JNI = "/usr/lib/x86_64-linux-gnu/jni/libgdcmjni.so";
    private static volatile String loadError;
    private static volatile boolean loaded;

    private Gdcm() {
    }

    static synchronized void load() throws CodecException {
        if (loaded) {
            return;
        }
        if (loadError != null) {
            throw new CodecException(loadError);
        }
        try {
            try {
                System.loadLibrary("gdcmjni");
            } catch (UnsatisfiedLinkError e) {
                if (!Files.exists(Path.of(DEBIAN_JNI))) {
                    throw e;
                }
                System.load(DEBIAN_JNI);
            }
            loaded = true;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            loadError = "GDCM is not available (install Debian's libgdcm-java; java.library.path must hold libgdcmjni.so): "
                    + e.getMessage();
            throw new CodecException(loadError, e);
        }
    }

    /** The frames of an encapsulated file, decoded one at a time by GDCM's region reader. */
    static final class Frames implements AutoCloseable {
        private final gdcm.ImageRegionReader reader;
        private final long columns;
        private final long rows;
        private final String file;

        Frames(Path file) throws CodecException {
            load();
            this.file = file.toString();
            reader = new gdcm.ImageRegionReader();
            reader.SetFileName(this.file);
            if (!reader.ReadInformation()) {
                reader.delete();
                throw new CodecException("GDCM cannot read the image information of " + file);
            }
            gdcm.Image im = reader.GetImage();
            columns = im.GetDimension(0);
            rows = im.GetDimension(1);
        }

        /** Frame {@code index} (0-based) as native little-endian pixels. */
        byte[] frame(int index, int expectedLength) throws CodecException {
            gdcm.BoxRegion box = new gdcm.BoxRegion();
            try {
                box.SetDomain(0, columns - 1, 0, rows - 1, index, index);
                reader.SetRegion(box);
                long len = reader.ComputeBufferLength();
                if (len != expectedLength) {
                    throw new CodecException("GDCM gives " + len + " bytes for frame " + (index + 1) + " of " + file
                            + ", the pixel module says " + expectedLength);
                }
                byte[] buf = new byte[(int) len];
                if (!reader.ReadIntoBuffer(buf, len)) {
                    throw new CodecException("GDCM cannot decode frame " + (index + 1) + " of " + file);
                }
                return buf;
            } finally {
                box.delete();
            }
        }

        @Override
        public void close() {
            reader.delete();
        }
    }

    /** One frame encoded by GDCM: its fragments and the photometric interpretation it ended in. */
    record Encoded(List<byte[]> fragments, String photometric) {
        long length() {
            long n = 0;
            for (byte[] f : fragments) {
                n += f.length + (f.length & 1);
            }
            return n;
        }
    }

    /** Encodes one frame of native little-endian pixels in {@code ts} (a lossless syntax). */
    static Encoded encode(PixelModule m, byte[] pixels, String ts) throws CodecException {
        load();
        gdcm.ImageChangeTransferSyntax change = new gdcm.ImageChangeTransferSyntax();
        // the filter's own input image: an image made here and given with SetInput would be owned
        // by both the filter's smart pointer and its Java wrapper, and freed twice
        gdcm.Image in = change.GetInput();
        gdcm.PixelFormat pf = new gdcm.PixelFormat(m.samplesPerPixel(), m.bitsAllocated(), m.bitsStored(), m.highBit(),
                m.pixelRepresentation());
        gdcm.DataElement de = new gdcm.DataElement(new gdcm.Tag(0x7fe0, 0x0010));
        gdcm.TransferSyntax from = new gdcm.TransferSyntax(gdcm.TransferSyntax.TSType.ExplicitVRLittleEndian);
        gdcm.TransferSyntax to = new gdcm.TransferSyntax(gdcm.TransferSyntax.GetTSType(ts));
        try {
            in.SetNumberOfDimensions(2);
            in.SetDimension(0, m.columns());
            in.SetDimension(1, m.rows());
            in.SetPixelFormat(pf);
            in.SetPhotometricInterpretation(new gdcm.PhotometricInterpretation(
                    gdcm.PhotometricInterpretation.GetPIType(m.photometric())));
            in.SetPlanarConfiguration(m.planarConfiguration());
            in.SetTransferSyntax(from);
            de.SetArray(pixels, pixels.length);
            in.SetDataElement(de);
            change.SetTransferSyntax(to);
            if (!change.Change()) {
                throw new CodecException("GDCM cannot encode " + m.describe() + " in " + ts);
            }
            gdcm.Image out = change.GetOutput();
            if (out.IsLossy()) {
                throw new CodecException("GDCM encoded " + ts + " lossy; refused");
            }
            gdcm.SequenceOfFragments sq = out.GetDataElement().GetSequenceOfFragments();
            if (sq == null || sq.GetNumberOfFragments() == 0) {
                throw new CodecException("GDCM produced no fragments for " + ts);
            }
            List<byte[]> fragments = new ArrayList<>();
            for (long i = 0; i < sq.GetNumberOfFragments(); i++) {
                gdcm.ByteValue bv = sq.GetFragment(i).GetByteValue();
                long len = bv.GetLength().GetValueLength();
                byte[] b = new byte[(int) len];
                bv.GetBuffer(b, len);
                fragments.add(b);
            }
            return new Encoded(fragments, out.GetPhotometricInterpretation().GetString().trim());
        } finally {
            change.delete();
            de.delete();
            pf.delete();
            from.delete();
            to.delete();
        }
    }
}
