package org.cardiacatlas.cap.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import java.time.LocalDateTime;
import java.util.List;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.junit.jupiter.api.Test;

class FindRequestTest {

    static AttributeList id(Object... tagsAndValues) throws Exception {
        AttributeList l = new AttributeList();
        for (int i = 0; i < tagsAndValues.length; i += 2) {
            Attribute a = AttributeFactory.newAttribute((AttributeTag) tagsAndValues[i]);
            for (String v : ((String) tagsAndValues[i + 1]).split("\\\\", -1)) {
                if (!v.isEmpty()) {
                    a.addValue(v);
                }
            }
            l.put(a);
        }
        return l;
    }

    static FindRequest study(boolean caseSensitive, Object... keys) throws Exception {
        Object[] all = new Object[keys.length + 2];
        all[0] = TagFromName.QueryRetrieveLevel;
        all[1] = "STUDY";
        System.arraycopy(keys, 0, all, 2, keys.length);
        return FindRequest.parse(InformationModel.STUDY_ROOT, id(all), caseSensitive);
    }

    static String sql(FindRequest r) {
        return r.sql.getConditions().toString();
    }

    @Test
    void aPersonNameWithoutGroupsMatchesAnyOfTheThreeColumns() throws Exception {
        FindRequest r = study(false, TagFromName.PatientName, "Smi*");
        assertEquals("[[p.pat_name LIKE Smi%, p.pat_i_name LIKE Smi%, p.pat_p_name LIKE Smi%]]", sql(r));
        FindRequest cs = study(true, TagFromName.PatientName, "Smith^John");
        assertEquals("[[p.pat_name EQ_BOTH Smith^John, p.pat_i_name EQ_BOTH Smith^John, p.pat_p_name EQ_BOTH Smith^John]]",
                sql(cs));
        FindRequest groups = study(false, TagFromName.PatientName, "Yamada*=山田^太郎");
        assertEquals("[[p.pat_name LIKE Yamada%], [p.pat_i_name EQ 山田^太郎]]", sql(groups));
        assertTrue(groups.memoryKeys.isEmpty());
    }

    @Test
    void listsRangesAndCaseSensitiveDescriptions() throws Exception {
        FindRequest r = study(false, TagFromName.StudyInstanceUID, "1.2\\1.3", TagFromName.StudyDate, "20200101-20200131",
                TagFromName.StudyDescription, "CAP*", TagFromName.ModalitiesInStudy, "MR");
        List<SqlCondition> c = r.sql.getConditions();
        // in the order of the tags
        assertEquals(4, c.size());
        SqlCondition.Test date = c.get(0).getAnyOf().get(0);
        assertEquals(LocalDateTime.of(2020, 1, 1, 0, 0), date.getFrom());
        assertEquals(LocalDateTime.of(2020, 2, 1, 0, 0), date.getTo(), "the day after, exclusive");
        assertEquals("[ms.modality EQ in SERIES MR]", c.get(1).toString());
        assertEquals("[st.study_desc LIKE_BIN CAP%]", c.get(2).toString());
        assertEquals("[st.study_iuid IN [1.2, 1.3]]", c.get(3).toString());
    }

    @Test
    void onlyAnAliasAndAColumnNameReachTheSqlAsTheyAre() {
        // FindMapper.xml substitutes the column: anything else is refused before any SQL
        for (String column : new String[] {"p.pat_id; DROP TABLE patient", "x.pat_id", "p.pat_id OR 1=1", "pat_id",
                "p.PAT_ID", "st.study_iuid -- "}) {
            assertThrows(IllegalArgumentException.class,
                    () -> SqlCondition.Test.compare(column, SqlCondition.Op.EQ, "1"), column);
        }
        assertEquals("mi.sop_cuid", SqlCondition.Test.compare("mi.sop_cuid", SqlCondition.Op.EQ, "1").getColumn());
    }

    @Test
    void keysWithoutAColumnAreMatchedInMemory() throws Exception {
        FindRequest r = study(false, TagFromName.PatientAge, "045Y", TagFromName.StudyDescription, "");
        assertEquals(1, r.memoryKeys.size());
        assertEquals(QueryRetrieveLevel.STUDY, r.memoryKeys.get(0).level());
        assertTrue(r.sql.isStudyAttrs());
        assertTrue(r.sql.getConditions().isEmpty());
    }

    @Test
    void universalValuesAddNoCondition() throws Exception {
        assertTrue(study(false, TagFromName.PatientName, "*", TagFromName.PatientID, "", TagFromName.AccessionNumber, "**")
                .sql.getConditions().isEmpty());
    }

    @Test
    void hierarchicalRules() throws Exception {
        DicomServiceException below = assertThrows(DicomServiceException.class,
                () -> study(false, TagFromName.SOPInstanceUID, "1.2.3"));
        assertEquals(DicomServiceException.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, below.status());
        // an empty key below the level is left out of the answer, not refused
        assertTrue(study(false, TagFromName.SOPInstanceUID, "").returnKeys.stream()
                .noneMatch(k -> k.key().getTag().equals(TagFromName.SOPInstanceUID)));
        DicomServiceException noPatient = assertThrows(DicomServiceException.class,
                () -> FindRequest.parse(InformationModel.PATIENT_ROOT,
                        id(TagFromName.QueryRetrieveLevel, "STUDY", TagFromName.PatientID, "X*"), false));
        assertTrue(noPatient.getMessage().contains("PatientID"), noPatient.getMessage());
        FindRequest series = FindRequest.parse(InformationModel.PATIENT_ROOT, id(TagFromName.QueryRetrieveLevel, "SERIES",
                TagFromName.PatientID, "P1", TagFromName.StudyInstanceUID, "1.2"), false);
        // the unique keys of the levels above are in every answer
        assertTrue(series.returnKeys.stream().anyMatch(k -> k.key().getTag().equals(TagFromName.SeriesInstanceUID)));
        assertEquals("[[p.pat_id EQ P1], [st.study_iuid EQ 1.2]]", sql(series));
    }
}
