package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Accept negotiation (RFC 9110 12.5.1, PS3.18 8.7), without a server. */
class MediaRangeTest {

    @Test
    void qualityOrdersAndZeroRefuses() {
        List<MediaRange> r = MediaRange.parseAccept("image/png;q=0.5, image/jpeg, image/gif;q=0, text/plain;q=0.5");
        assertEquals(List.of("image/jpeg", "image/png", "text/plain"), r.stream().map(MediaRange::type).toList());
        assertEquals(List.of("*/*"), MediaRange.parseAccept(null).stream().map(MediaRange::type).toList());
        assertEquals(List.of(), MediaRange.parseAccept("image/png;q=0"));
    }

    @Test
    void parametersQuotedOrNot() {
        MediaRange m = MediaRange.parse("Multipart/Related; Type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1");
        assertTrue(m.is("multipart/related"));
        assertEquals("application/dicom", m.param("type"));
        assertEquals("1.2.840.10008.1.2.1", m.param("transfer-syntax"));
        // a comma inside quotes does not split the header
        assertEquals(2, MediaRange.parseAccept("multipart/related; type=\"a,b\", */*").size());
    }

    @Test
    void retrieveAndStowNegotiation() {
        assertNull(WadoRs.dicomTransferSyntax(null));
        assertNull(WadoRs.dicomTransferSyntax("multipart/related; type=\"application/dicom\"; transfer-syntax=*"));
        assertEquals("1.2.840.10008.1.2.4.70", WadoRs.dicomTransferSyntax(
                "application/zip, multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.70"));
        // the preferred range wins, whatever its place
        assertEquals("1.2.840.10008.1.2.4.80", WadoRs.dicomTransferSyntax(
                "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.70; q=0.4,"
                        + " multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.80"));
        HttpFailure e = assertThrows(HttpFailure.class, () -> WadoRs.dicomTransferSyntax("application/zip"));
        assertEquals(406, e.status());
        assertEquals(406, assertThrows(HttpFailure.class, () -> WadoRs.dicomTransferSyntax(
                "multipart/related; type=\"application/dicom\"; q=0")).status());
        assertFalse(StowRs.responseXml(null));
        assertTrue(StowRs.responseXml("application/dicom+xml"));
        assertFalse(StowRs.responseXml("application/dicom+xml;q=0.1, application/dicom+json"));
        assertEquals(406, assertThrows(HttpFailure.class, () -> StowRs.responseXml("text/html")).status());
    }
}
