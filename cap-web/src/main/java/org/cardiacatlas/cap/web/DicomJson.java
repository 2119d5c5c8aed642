package org.cardiacatlas.cap.web;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.JSONRepresentationOfDicomObjectFactory;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import javax.json.JsonArray;
import javax.json.JsonArrayBuilder;
import javax.json.JsonObject;
import javax.json.JsonObjectBuilder;
import javax.json.JsonValue;
import javax.json.JsonWriter;
import javax.json.JsonWriterFactory;
import javax.json.spi.JsonProvider;

/**
 * The DICOM JSON model (PS3.18 F.2) and the Native DICOM Model XML (PS3.19 A.1) of an
 * attribute list; the JSON is always UTF-8, so the Specific Character Set is left out. Extra
 * members (RetrieveURL, BulkDataURI) are added to the object.
 *
 * <p>The JSON is built here with one cached provider: {@code javax.json.Json}'s static methods
 * (and PixelMed's JSON factory, which calls them per attribute) look the provider up through
 * ServiceLoader at every call, which made a QIDO-RS answer of 500 studies take over a second.
 * PixelMed's factory is kept for the binary VRs only (InlineBinary), which answers rarely hold.
 */
final class DicomJson {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonWriterFactory WRITERS = JSON.createWriterFactory(Map.of());
    private static final javax.xml.stream.XMLOutputFactory XML = javax.xml.stream.XMLOutputFactory.newFactory();

    private DicomJson() {
    }

    /** One data set as a JSON object, with extra attributes (tag hex -> member) added. */
    static JsonObject object(AttributeList list, Map<String, JsonObject> extra) throws DicomException {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        for (Attribute a : list.values()) {
            if (a.getTag().equals(TagFromName.SpecificCharacterSet)) {
                continue;
            }
            b.add(tag(a.getTag()), attribute(a));
        }
        extra.forEach(b::add);
        return b.build();
    }

    /** PS3.18 F.2.1.1.2: eight upper-case hex digits. */
    static String tag(AttributeTag t) {
        // not String.format: a QIDO-RS answer names every attribute of every match (issue 16)
        return UPPER_HEX.toHexDigits((t.getGroup() & 0xffff) << 16 | (t.getElement() & 0xffff));
    }

    private static final java.util.HexFormat UPPER_HEX = java.util.HexFormat.of().withUpperCase();

    /** PS3.18 F.2.2-F.2.7: {"vr": VR, "Value": [...]}, no Value when empty. */
    private static JsonObject attribute(Attribute a) throws DicomException {
        byte[] vrBytes = a.getVR();
        String vr = vrBytes == null ? "UN" : ValueRepresentation.getAsString(vrBytes);
        JsonObjectBuilder o = JSON.createObjectBuilder().add("vr", vr);
        if (a instanceof SequenceAttribute seq) {
            if (seq.getNumberOfItems() > 0) {
                JsonArrayBuilder items = JSON.createArrayBuilder();
                for (int i = 0; i < seq.getNumberOfItems(); i++) {
                    items.add(object(seq.getItem(i).getAttributeList(), Map.of()));
                }
                o.add("Value", items);
            }
            return o.build();
        }
        if (BINARY.contains(vr)) {
            return binary(a);
        }
        if (a instanceof com.pixelmed.dicom.AttributeTagAttribute at) {
            // PS3.18 F.2.3: AT values as eight hex digits
            AttributeTag[] tags = at.getAttributeTagValues();
            if (tags != null && tags.length > 0) {
                JsonArrayBuilder v = JSON.createArrayBuilder();
                for (AttributeTag t : tags) {
                    v.add(tag(t));
                }
                o.add("Value", v);
            }
            return o.build();
        }
        String[] values = a.getVM() == 0 ? new String[0] : a.getStringValues();
        if (values == null || values.length == 0) {
            return o.build();
        }
        JsonArrayBuilder v = JSON.createArrayBuilder();
        for (String s : values) {
            if (s == null || s.isEmpty()) {
                // PS3.18 F.2.5: an empty value among others is null
                v.addNull();
            } else if (vr.equals("PN")) {
                v.add(personName(s));
            } else if (NUMBERS.contains(vr)) {
                number(v, s.trim());
            } else {
                v.add(s);
            }
        }
        return o.add("Value", v).build();
    }

    /** PS3.18 F.2.2: the component groups of a name as Alphabetic, Ideographic, Phonetic. */
    private static JsonObject personName(String s) {
        String[] groups = s.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        JsonObjectBuilder pn = JSON.createObjectBuilder();
        for (int g = 0; g < groups.length && g < names.length; g++) {
            if (!groups[g].isEmpty()) {
                pn.add(names[g], groups[g]);
            }
        }
        return pn.build();
    }

    /**
     * PS3.18 F.2.3: the binary numbers as JSON numbers (as text when not a number, e.g. NaN).
     * IS and DS stay strings, as PixelMed writes them and F.2.3.1 allows: their text is kept.
     */
    private static void number(JsonArrayBuilder v, String s) {
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(s.startsWith("+") ? s.substring(1) : s);
            if (d.scale() <= 0 && d.precision() - d.scale() <= 18) {
                v.add(d.longValueExact());
            } else {
                v.add(d);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            v.add(s);
        }
    }

    /** Binary values as InlineBinary (PS3.18 F.2.7), by PixelMed's factory. */
    private static JsonObject binary(Attribute a) throws DicomException {
        AttributeList one = new AttributeList();
        one.put(a);
        JsonArray doc = new JSONRepresentationOfDicomObjectFactory().getDocument(one);
        JsonObject o = doc.isEmpty() ? JsonValue.EMPTY_JSON_OBJECT : doc.getJsonObject(0);
        for (JsonValue v : o.values()) {
            if (v instanceof JsonObject member) {
                return member;
            }
        }
        return JSON.createObjectBuilder().add("vr", ValueRepresentation.getAsString(a.getVR())).build();
    }

    private static final java.util.Set<String> NUMBERS = java.util.Set.of("FL", "FD", "SL", "SS", "UL", "US", "SV",
            "UV");
    private static final java.util.Set<String> BINARY = java.util.Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");

    /** {"vr": vr, "Value": [value]} */
    static JsonObject value(String vr, String value) {
        return JSON.createObjectBuilder().add("vr", vr).add("Value", JSON.createArrayBuilder().add(value)).build();
    }

    /** {"vr": vr, "BulkDataURI": uri} (PS3.18 F.2.6) */
    static JsonObject bulk(String vr, String uri) {
        return JSON.createObjectBuilder().add("vr", vr).add("BulkDataURI", uri).build();
    }

    static void write(JsonObject o, OutputStream out) {
        // JsonWriter would close the stream after one object
        ByteArrayOutputStream buf = new ByteArrayOutputStream(2048);
        try (JsonWriter w = WRITERS.createWriter(buf)) {
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
            javax.xml.stream.XMLStreamWriter w = XML.createXMLStreamWriter(out, "UTF-8");
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
