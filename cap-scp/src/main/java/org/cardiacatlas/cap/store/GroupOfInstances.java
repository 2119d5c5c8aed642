package org.cardiacatlas.cap.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parameters of {@link InstanceMapper#insertGroupIntoKnownSeries}: new instances of one study, one or more. */
final class GroupOfInstances {
    final long studyPk;
    final String studyIuid;
    final int count;
    /** The SOP classes of the group, each once. */
    final List<String> cuids = new ArrayList<>();
    final List<NewInstance> instances;
    final List<SeriesCount> seriesCounts = new ArrayList<>();

    static final class SeriesCount {
        final long pk;
        final int count;

        SeriesCount(long pk, int count) {
            this.pk = pk;
            this.count = count;
        }
    }

    /** A group of one. */
    GroupOfInstances(NewInstance n) {
        this(n.studyPk, n.studyIuid, List.of(n));
    }

    GroupOfInstances(long studyPk, String studyIuid, List<NewInstance> instances) {
        this.studyPk = studyPk;
        this.studyIuid = studyIuid;
        this.instances = instances;
        this.count = instances.size();
        Map<Long, Integer> perSeries = new LinkedHashMap<>();
        for (NewInstance n : instances) {
            if (!cuids.contains(n.sopCuid)) {
                cuids.add(n.sopCuid);
            }
            perSeries.merge(n.seriesPk, 1, Integer::sum);
        }
        perSeries.forEach((pk, n) -> seriesCounts.add(new SeriesCount(pk, n)));
    }
}
