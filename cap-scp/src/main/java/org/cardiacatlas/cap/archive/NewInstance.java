package org.cardiacatlas.cap.archive;

/** The parameters of {@link InstanceMapper#insertWithFile}: an instance, its file, and the study summary after it. */
final class NewInstance {
    final InstanceRow instance;
    final FileRow file;
    final long seriesPk;
    final long studyPk;
    final int numSeries;
    final String modsInStudy;
    final String cuidsInStudy;

    NewInstance(InstanceRow instance, FileRow file, long seriesPk, long studyPk, int numSeries, String modsInStudy,
            String cuidsInStudy) {
        this.instance = instance;
        this.file = file;
        this.seriesPk = seriesPk;
        this.studyPk = studyPk;
        this.numSeries = numSeries;
        this.modsInStudy = modsInStudy;
        this.cuidsInStudy = cuidsInStudy;
    }
}
