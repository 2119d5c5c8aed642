package org.cardiacatlas.cap.store;

interface InstanceMapper {
    /**
     * New instances of one study's existing series (one, or a group), each with its store_pending
     * row when it has one, in one round trip that locks the study row first.
     *
     * @return the rows of the study update: 0 when the study is not (or no longer) at that pk
     */
    int insertGroupIntoKnownSeries(GroupOfInstances g);

    /**
     * The same for one instance with its store_pending row: the common case, whose SQL MyBatis
     * builds once.
     *
     * @return the rows of the study update: 0 when the study is not (or no longer) at that pk
     */
    int insertOneIntoKnownSeries(NewInstance n);

    int updateAttributes(InstanceRow row);

    /** Storage commitment: commitment = 1 for these SOP Instance UIDs. */
    int setCommitment(@org.apache.ibatis.annotations.Param("sopUids") java.util.List<String> sopUids);

    /** capserver delete: the SOP classes left in a study, in the order they arrived. */
    java.util.List<String> selectCuidsOfStudy(@org.apache.ibatis.annotations.Param("studyFk") long studyFk);

    /** Deletes the instance unless a files row still points at it: 1 when it was deleted. */
    int deleteIfWithoutFiles(@org.apache.ibatis.annotations.Param("pk") long pk);

    int deleteOfSeries(@org.apache.ibatis.annotations.Param("seriesFk") long seriesFk);
}
