package org.cardiacatlas.cap.common.log;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %emsg} in conf/logback.xml: the message with peer-controlled characters escaped (see {@link LogEscape}). */
public final class EscapedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogEscape.escape(super.convert(event));
    }
}
