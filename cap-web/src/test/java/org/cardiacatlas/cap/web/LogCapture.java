package org.cardiacatlas.cap.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** What capserver.log (root) and audit.log ("audit") receive while it is open. */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger audit = (Logger) LoggerFactory.getLogger("audit");
    private final ListAppender<ILoggingEvent> rootLines = new ListAppender<>();
    private final ListAppender<ILoggingEvent> auditLines = new ListAppender<>();

    LogCapture() {
        rootLines.start();
        auditLines.start();
        root.addAppender(rootLines);
        audit.addAppender(auditLines);
    }

    List<String> log() {
        return lines(rootLines);
    }

    List<String> audit() {
        return lines(auditLines);
    }

    private static List<String> lines(ListAppender<ILoggingEvent> a) {
        // ListAppender adds under the appender's own lock (AppenderBase.doAppend is synchronized),
        // not the list's: the copy is taken under that lock, as a request thread may log meanwhile
        List<ILoggingEvent> events;
        synchronized (a) {
            events = new java.util.ArrayList<>(a.list);
        }
        return events.stream().map(e -> "[" + e.getMDCPropertyMap().getOrDefault("assoc", "server") + "] "
                + e.getFormattedMessage()).collect(Collectors.toList());
    }

    @Override
    public void close() {
        root.detachAppender(rootLines);
        audit.detachAppender(auditLines);
    }
}
