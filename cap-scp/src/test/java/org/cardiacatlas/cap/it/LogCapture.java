package org.cardiacatlas.cap.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** The log lines written while it is open, as "LEVEL [assoc] message". */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    List<String> lines() {
        // ListAppender adds under the appender's own lock (AppenderBase.doAppend is synchronized),
        // not the list's: the copy is taken under that lock, as other threads may log meanwhile
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new java.util.ArrayList<>(appender.list);
        }
        return events.stream()
                .map(e -> e.getLevel() + " [" + e.getMDCPropertyMap().getOrDefault("assoc", "server") + "] "
                        + e.getFormattedMessage())
                .collect(Collectors.toList());
    }

    List<String> matching(String level, String fragment) {
        return lines().stream().filter(l -> l.startsWith(level) && l.contains(fragment)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
