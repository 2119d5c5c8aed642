package org.cardiacatlas.cap.store;

/** One new instance of {@link InstanceMapper#insertGroupIntoKnownSeries}. */
final class NewInstance {
    final InstanceRow instance;
    final FileRow file;
    final long seriesPk;
    final long studyPk;
    final String studyIuid;
    final String sopCuid;
    /** store_pending's row for this instance, written in the same round trip (null: none). */
    String pendingNode;
    Long pendingToken;

    NewInstance(InstanceRow instance, FileRow file, long seriesPk, long studyPk, String studyIuid, String sopCuid) {
        this.instance = instance;
        this.file = file;
        this.seriesPk = seriesPk;
        this.studyPk = studyPk;
        this.studyIuid = studyIuid;
        this.sopCuid = sopCuid;
    }
}
