package org.cardiacatlas.cap.scp;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place where services are registered, by command field. */
public final class DimseServiceRegistry {

    private final Map<Integer, DimseService> services = new LinkedHashMap<>();

    public DimseServiceRegistry register(DimseService s) {
        if (services.putIfAbsent(s.commandField(), s) != null) {
            throw new IllegalStateException(String.format("command 0x%04x registered twice", s.commandField()));
        }
        return this;
    }

    DimseService get(int commandField) {
        return services.get(commandField);
    }

    Collection<DimseService> all() {
        return services.values();
    }
}
