package org.cardiacatlas.cap.codec;

import java.util.List;
import java.util.Set;

/** The transfer syntaxes the codec unit knows (PS3.5 A.4, PS3.6 Table A-1). */
final class Syntaxes {
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
    static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String J2K = "1.2.840.10008.1.2.4.91";
    static final String RLE = "1.2.840.10008.1.2.5";

    /** Data sets with native (not encapsulated) pixel data; PixelMed reads and writes them. */
    static final Set<String> NATIVE = Set.of(IMPLICIT_LE, EXPLICIT_LE, DEFLATED_LE, EXPLICIT_BE);
    /** Encapsulated syntaxes GDCM decodes (libjpeg 8/12/16-bit, CharLS, OpenJPEG, its RLE). */
    static final Set<String> DECODABLE = Set.of(JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS, JPEG_LOSSLESS_SV1,
            JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS, J2K_LOSSLESS, J2K, RLE);
    /** Lossless encapsulated syntaxes GDCM encodes; the codec never encodes a lossy one. */
    static final Set<String> ENCODABLE = Set.of(JPEG_LS_LOSSLESS, J2K_LOSSLESS, JPEG_LOSSLESS_SV1, JPEG_LOSSLESS, RLE);
    /** Lossy syntaxes: a data set in one has lost information once already. */
    static final Set<String> LOSSY = Set.of(JPEG_BASELINE, JPEG_EXTENDED, JPEG_LS_NEAR_LOSSLESS, J2K);
    /** Native syntaxes we write (deflate only as stored: nothing here deflates). */
    static final Set<String> WRITABLE_NATIVE = Set.of(IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE);

    /**
     * The order in which a syntax other than the stored one is chosen: uncompressed first
     * (every peer decodes it, and nothing is lost), then the lossless compressions, big endian
     * (retired) last. No lossy syntax is in the list, so lossless data never become lossy.
     */
    static final List<String> PREFERENCE = List.of(EXPLICIT_LE, IMPLICIT_LE, JPEG_LS_LOSSLESS, J2K_LOSSLESS,
            JPEG_LOSSLESS_SV1, JPEG_LOSSLESS, RLE, EXPLICIT_BE);

    private Syntaxes() {
    }

    static boolean isEncapsulated(String ts) {
        return !NATIVE.contains(ts);
    }

    /** The Lossy Image Compression Method (0028,2114) of a lossy syntax (PS3.3 C.7.6.1.1.5.1). */
    static String lossyMethod(String ts) {
        switch (ts) {
            case JPEG_BASELINE:
            case JPEG_EXTENDED:
                return "ISO_10918_1";
            case JPEG_LS_NEAR_LOSSLESS:
                return "ISO_14495_1";
            case J2K:
                return "ISO_15444_1";
            default:
                return null;
        }
    }
}
