package dev.scanflow.agent.phpipam;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects what one class logs at INFO and above, as "LEVEL message" lines, while open. */
final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String loggerName;
    private final LoggerContext context;

    private LogCapture(Class<?> type) {
        loggerName = type.getName();
        context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        AbstractAppender appender = new AbstractAppender("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerConfig logger = new LoggerConfig(loggerName, Level.INFO, true);
        logger.addAppender(appender, null, null);
        configuration.addLogger(loggerName, logger);
        context.updateLoggers();
    }

    static LogCapture of(Class<?> type) {
        return new LogCapture(type);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    List<String> warnings() {
        return lines.stream().filter(line -> line.startsWith("WARN ")).toList();
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(loggerName);
        context.updateLoggers();
    }
}
