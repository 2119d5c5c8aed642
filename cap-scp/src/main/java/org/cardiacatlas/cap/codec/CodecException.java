package org.cardiacatlas.cap.codec;

/** What could not be decoded, encoded or rendered, and why. */
public class CodecException extends Exception {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
