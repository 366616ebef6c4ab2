package dev.steward.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While a quickstart runs, the server's log goes to a file in the home instead of the terminal, where
 * it would break the progress lines; closing puts the earlier appenders back.
 */
final class QuickstartLog implements AutoCloseable {
    private final Path file;
    private final Logger root;
    private final FileAppender<ILoggingEvent> appender;
    private final List<Appender<ILoggingEvent>> replaced;

    private QuickstartLog(Path file, Logger root, FileAppender<ILoggingEvent> appender, List<Appender<ILoggingEvent>> replaced) {
        this.file = file;
        this.root = root;
        this.appender = appender;
        this.replaced = replaced;
    }

    static QuickstartLog to(Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("quickstart");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        List<Appender<ILoggingEvent>> replaced = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(replaced::add);
        replaced.forEach(root::detachAppender);
        root.addAppender(appender);
        return new QuickstartLog(file, root, appender, replaced);
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        replaced.forEach(root::addAppender);
        appender.stop();
    }
}
