package org.cardiacatlas.cap.codec;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Renders one decoded frame: grey images through the Modality LUT (rescale slope and
 * intercept) and a linear VOI window (PS3.3 C.11.2.1.2), MONOCHROME1 inverted; colour images as
 * they are (YBR_FULL converted to RGB). PNG 8 or 16 bit, or JPEG, optionally scaled down.
 */
final class Renderer {
    private static final float JPEG_QUALITY = 0.9f;

    private Renderer() {
    }

    static void render(AttributeList attrs, PixelModule m, byte[] frame, RenderRequest rq, OutputStream out)
            throws CodecException, IOException {
        boolean sixteen = rq.sixteenBit() && RenderRequest.PNG.equals(rq.mediaType());
        BufferedImage img = m.samplesPerPixel() == 1 ? grey(attrs, m, frame, rq, sixteen) : colour(m, frame);
        if (rq.maxSize() != null) {
            img = scale(img, rq.maxSize());
        }
        if (RenderRequest.PNG.equals(rq.mediaType())) {
            if (!ImageIO.write(img, "png", out)) {
                throw new CodecException("no PNG writer");
            }
            return;
        }
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(JPEG_QUALITY);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
    }

    /** The stored values of a grey frame, masked to Bits Stored and sign-extended. */
    static int[] values(PixelModule m, byte[] f) {
        int n = m.rows() * m.columns();
        int[] v = new int[n];
        int bytes = m.bitsAllocated() / 8;
        int shift = m.highBit() + 1 - m.bitsStored();
        long mask = (1L << m.bitsStored()) - 1;
        boolean signed = m.pixelRepresentation() == 1;
        for (int i = 0; i < n; i++) {
            long raw = 0;
            for (int b = bytes - 1; b >= 0; b--) {
                raw = raw << 8 | (f[i * bytes + b] & 0xff);
            }
            raw = (raw >>> shift) & mask;
            if (signed && (raw & (1L << (m.bitsStored() - 1))) != 0) {
                raw -= 1L << m.bitsStored();
            }
            v[i] = (int) raw;
        }
        return v;
    }

    private static BufferedImage grey(AttributeList attrs, PixelModule m, byte[] f, RenderRequest rq, boolean sixteen) {
        int[] v = values(m, f);
        double slope = Attribute.getSingleDoubleValueOrDefault(attrs, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(attrs, TagFromName.RescaleIntercept, 0.0);
        if (slope == 0) {
            slope = 1;
        }
        double c;
        double w;
        if (rq.windowCenter() != null) {
            c = rq.windowCenter();
            w = rq.windowWidth();
        } else {
            double[] cs = Attribute.getDoubleValues(attrs, TagFromName.WindowCenter);
            double[] ws = Attribute.getDoubleValues(attrs, TagFromName.WindowWidth);
            if (cs != null && ws != null && cs.length > 0 && ws.length > 0 && ws[0] >= 1) {
                c = cs[0];
                w = ws[0];
            } else {
                double min = Double.MAX_VALUE;
                double max = -Double.MAX_VALUE;
                for (int x : v) {
                    double y = x * slope + intercept;
                    min = Math.min(min, y);
                    max = Math.max(max, y);
                }
                // a window whose ends map to the minimum and the maximum
                w = Math.max(1, max - min + 1);
                c = min + (w - 1) / 2 + 0.5;
            }
        }
        double yMax = sixteen ? 65535 : 255;
        boolean invert = "MONOCHROME1".equals(m.photometric());
        BufferedImage img = new BufferedImage(m.columns(), m.rows(),
                sixteen ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        if (sixteen) {
            short[] d = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < v.length; i++) {
                int y = (int) Math.round(window(v[i] * slope + intercept, c, w, yMax));
                d[i] = (short) (invert ? 65535 - y : y);
            }
        } else {
            byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < v.length; i++) {
                int y = (int) Math.round(window(v[i] * slope + intercept, c, w, yMax));
                d[i] = (byte) (invert ? 255 - y : y);
            }
        }
        return img;
    }

    /** PS3.3 C.11.2.1.2.1, the linear function. */
    static double window(double x, double c, double w, double yMax) {
        if (x <= c - 0.5 - (w - 1) / 2) {
            return 0;
        }
        if (x > c - 0.5 + (w - 1) / 2) {
            return yMax;
        }
        return ((x - (c - 0.5)) / (w - 1) + 0.5) * yMax;
    }

    private static BufferedImage colour(PixelModule m, byte[] f) throws CodecException {
        if (m.samplesPerPixel() != 3 || m.bitsAllocated() != 8) {
            throw new CodecException("cannot render " + m.describe());
        }
        int n = m.rows() * m.columns();
        boolean ybr = m.photometric().startsWith("YBR_FULL");
        BufferedImage img = new BufferedImage(m.columns(), m.rows(), BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[n];
        for (int i = 0; i < n; i++) {
            int a;
            int b;
            int c;
            if (m.planarConfiguration() == 1) {
                a = f[i] & 0xff;
                b = f[n + i] & 0xff;
                c = f[2 * n + i] & 0xff;
            } else {
                a = f[3 * i] & 0xff;
                b = f[3 * i + 1] & 0xff;
                c = f[3 * i + 2] & 0xff;
            }
            if (ybr) {
                // PS3.3 C.7.6.3.1.2, YBR_FULL to RGB
                double y = a;
                double cb = b - 128.0;
                double cr = c - 128.0;
                a = clamp(y + 1.402 * cr);
                b = clamp(y - 0.344136 * cb - 0.714136 * cr);
                c = clamp(y + 1.772 * cb);
            }
            rgb[i] = a << 16 | b << 8 | c;
        }
        img.setRGB(0, 0, m.columns(), m.rows(), rgb, 0, m.columns());
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static BufferedImage scale(BufferedImage img, int maxSize) {
        int longest = Math.max(img.getWidth(), img.getHeight());
        if (longest <= maxSize) {
            return img;
        }
        int w = Math.max(1, (int) Math.round(img.getWidth() * (double) maxSize / longest));
        int h = Math.max(1, (int) Math.round(img.getHeight() * (double) maxSize / longest));
        BufferedImage out = new BufferedImage(w, h, img.getType());
        java.awt.Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
