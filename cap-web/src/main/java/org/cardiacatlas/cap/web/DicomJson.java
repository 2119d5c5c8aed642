package org.cardiacatlas.cap.web;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.JSONRepresentationOfDicomObjectFactory;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.XMLRepresentationOfDicomObjectFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import javax.json.Json;
import javax.json.JsonArray;
import javax.json.JsonObject;
import javax.json.JsonObjectBuilder;
import javax.json.JsonValue;
import javax.json.JsonWriter;
import javax.xml.parsers.ParserConfigurationException;

/**
 * The DICOM JSON model (PS3.18 F.2) and the Native DICOM Model XML (PS3.19 A.1) of an
 * attribute list, written by PixelMed's factories; the JSON is always UTF-8, so the Specific
 * Character Set is left out. Extra members (RetrieveURL, BulkDataURI) are added to the object.
 */
final class DicomJson {

    private DicomJson() {
    }

    /** One data set as a JSON object, with extra attributes (tag hex -> member) added. */
    static JsonObject object(AttributeList list, Map<String, JsonObject> extra) throws DicomException {
        AttributeList copy = (AttributeList) list.clone();
        copy.remove(TagFromName.SpecificCharacterSet);
        JsonArray doc = new JSONRepresentationOfDicomObjectFactory().getDocument(copy);
        JsonObject o = doc.isEmpty() ? JsonValue.EMPTY_JSON_OBJECT : doc.getJsonObject(0);
        if (extra.isEmpty()) {
            return o;
        }
        JsonObjectBuilder b = Json.createObjectBuilder(o);
        extra.forEach(b::add);
        return b.build();
    }

    /** {"vr": vr, "Value": [value]} */
    static JsonObject value(String vr, String value) {
        return Json.createObjectBuilder().add("vr", vr).add("Value", Json.createArrayBuilder().add(value)).build();
    }

    /** {"vr": vr, "BulkDataURI": uri} (PS3.18 F.2.6) */
    static JsonObject bulk(String vr, String uri) {
        return Json.createObjectBuilder().add("vr", vr).add("BulkDataURI", uri).build();
    }

    static void write(JsonObject o, OutputStream out) {
        // JsonWriter would close the stream after one object
        ByteArrayOutputStream buf = new ByteArrayOutputStream(2048);
        try (JsonWriter w = Json.createWriter(buf)) {
            w.writeObject(o);
        }
        try {
            buf.writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] xml(AttributeList list) throws IOException {
        try {
            AttributeList copy = (AttributeList) list.clone();
            copy.remove(TagFromName.SpecificCharacterSet);
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            XMLRepresentationOfDicomObjectFactory.write(out, new XMLRepresentationOfDicomObjectFactory().getDocument(copy));
            return out.toByteArray();
        } catch (ParserConfigurationException | javax.xml.transform.TransformerException e) {
            throw new IOException("cannot write XML: " + e.getMessage(), e);
        }
    }
}
