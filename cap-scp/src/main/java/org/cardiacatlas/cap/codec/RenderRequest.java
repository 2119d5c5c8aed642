package org.cardiacatlas.cap.codec;

/**
 * One frame to render.
 *
 * @param frame        1-based frame number
 * @param mediaType    {@code image/png} or {@code image/jpeg}
 * @param windowCenter with {@code windowWidth}: the VOI window; null: the data set's first
 *                     window, else the frame's minimum and maximum
 * @param windowWidth  see {@code windowCenter}
 * @param maxSize      thumbnail: the longest side in pixels (never enlarged); null: full size
 * @param sixteenBit   PNG with 16-bit grey levels (JPEG is always 8-bit)
 */
public record RenderRequest(int frame, String mediaType, Double windowCenter, Double windowWidth, Integer maxSize,
        boolean sixteenBit) {

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";

    public RenderRequest {
        if (frame < 1) {
            throw new IllegalArgumentException("frame numbers start at 1: " + frame);
        }
        if (!PNG.equals(mediaType) && !JPEG.equals(mediaType)) {
            throw new IllegalArgumentException("media type must be image/png or image/jpeg: " + mediaType);
        }
        if ((windowCenter == null) != (windowWidth == null)) {
            throw new IllegalArgumentException("give both window center and width, or neither");
        }
        if (windowWidth != null && windowWidth < 1) {
            throw new IllegalArgumentException("window width must be at least 1: " + windowWidth);
        }
        if (maxSize != null && maxSize < 1) {
            throw new IllegalArgumentException("thumbnail size must be at least 1: " + maxSize);
        }
    }

    /** Frame 1 as an 8-bit PNG with the data set's window. */
    public static RenderRequest png(int frame) {
        return new RenderRequest(frame, PNG, null, null, null, false);
    }
}
