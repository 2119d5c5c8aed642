package org.cardiacatlas.cap.common.log;

import ch.qos.logback.classic.pattern.MDCConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %emdc{key:-default}}: an MDC value (the association's AE titles) with control characters escaped. */
public final class EscapedMdcConverter extends MDCConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogEscape.escape(super.convert(event));
    }
}
