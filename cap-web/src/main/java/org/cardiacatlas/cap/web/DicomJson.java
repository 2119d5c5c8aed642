package org.cardiacatlas.cap.web;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.JSONRepresentationOfDicomObjectFactory;
import com.pixelmed.dicom.TagFromName;
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
        JsonObjectBuilder b = Json.createObjectBuilder((JsonObject) upperCaseTags(o));
        extra.forEach(b::add);
        return b.build();
    }

    /** PixelMed writes the tags in lower case; PS3.18 F.2.1.1.2 wants eight upper-case hex digits. */
    private static JsonValue upperCaseTags(JsonValue v) {
        if (v instanceof JsonObject o) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                String k = e.getKey();
                b.add(k.matches("[0-9a-fA-F]{8}") ? k.toUpperCase(java.util.Locale.ROOT) : k, upperCaseTags(e.getValue()));
            }
            return b.build();
        }
        if (v instanceof JsonArray a) {
            javax.json.JsonArrayBuilder b = Json.createArrayBuilder();
            for (JsonValue e : a) {
                b.add(upperCaseTags(e));
            }
            return b.build();
        }
        return v;
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

    /** The Native DICOM Model (PS3.19 A.1) of a data set, written from its JSON model (PS3.18 F.2). */
    static byte[] xml(AttributeList list) throws IOException {
        return xml(list, Map.of());
    }

    static byte[] xml(AttributeList list, Map<String, JsonObject> extra) throws IOException {
        try {
            JsonObject o = object(list, extra);
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            javax.xml.stream.XMLStreamWriter w = javax.xml.stream.XMLOutputFactory.newFactory()
                    .createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("NativeDicomModel");
            w.writeAttribute("xml:space", "preserve");
            attributes(w, o);
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
            return out.toByteArray();
        } catch (javax.xml.stream.XMLStreamException | DicomException e) {
            throw new IOException("cannot write XML: " + e.getMessage(), e);
        }
    }

    private static void attributes(javax.xml.stream.XMLStreamWriter w, JsonObject o)
            throws javax.xml.stream.XMLStreamException {
        for (String tag : new java.util.TreeSet<>(o.keySet())) {
            JsonObject a = o.getJsonObject(tag);
            String vr = a.getString("vr", "UN");
            w.writeStartElement("DicomAttribute");
            w.writeAttribute("tag", tag);
            w.writeAttribute("vr", vr);
            String keyword = com.pixelmed.dicom.DicomDictionary.StandardDictionary.getNameFromTag(
                    new com.pixelmed.dicom.AttributeTag(Integer.parseInt(tag.substring(0, 4), 16),
                            Integer.parseInt(tag.substring(4), 16)));
            if (keyword != null) {
                w.writeAttribute("keyword", keyword);
            }
            if (a.containsKey("BulkDataURI")) {
                w.writeEmptyElement("BulkData");
                w.writeAttribute("uri", a.getString("BulkDataURI"));
            } else if (a.containsKey("InlineBinary")) {
                w.writeStartElement("InlineBinary");
                w.writeCharacters(a.getString("InlineBinary"));
                w.writeEndElement();
            } else if (a.containsKey("Value")) {
                JsonArray values = a.getJsonArray("Value");
                for (int i = 0; i < values.size(); i++) {
                    JsonValue v = values.get(i);
                    String number = String.valueOf(i + 1);
                    if (vr.equals("SQ")) {
                        w.writeStartElement("Item");
                        w.writeAttribute("number", number);
                        attributes(w, (JsonObject) v);
                        w.writeEndElement();
                    } else if (vr.equals("PN") && v instanceof JsonObject pn) {
                        w.writeStartElement("PersonName");
                        w.writeAttribute("number", number);
                        for (String group : new String[] {"Alphabetic", "Ideographic", "Phonetic"}) {
                            if (pn.containsKey(group)) {
                                w.writeStartElement(group);
                                String[] c = pn.getString(group).split("\\^", -1);
                                String[] names = {"FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"};
                                for (int k = 0; k < c.length && k < names.length; k++) {
                                    if (!c[k].isEmpty()) {
                                        w.writeStartElement(names[k]);
                                        w.writeCharacters(c[k]);
                                        w.writeEndElement();
                                    }
                                }
                                w.writeEndElement();
                            }
                        }
                        w.writeEndElement();
                    } else {
                        w.writeStartElement("Value");
                        w.writeAttribute("number", number);
                        if (v.getValueType() == JsonValue.ValueType.STRING) {
                            w.writeCharacters(((javax.json.JsonString) v).getString());
                        } else if (v.getValueType() != JsonValue.ValueType.NULL) {
                            w.writeCharacters(v.toString());
                        }
                        w.writeEndElement();
                    }
                }
            }
            w.writeEndElement();
        }
    }
}
