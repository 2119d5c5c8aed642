package org.cardiacatlas.cap.scp;

import java.io.IOException;

/** Where the data set of a request goes while its P-DATA fragments arrive. */
public interface DataSetSink {

    void write(byte[] b, int off, int len) throws IOException;

    /** Drops whatever was received (aborted association, refused request, or after serving). */
    void discard();
}
