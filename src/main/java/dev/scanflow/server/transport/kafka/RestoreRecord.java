package dev.scanflow.server.transport.kafka;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Before a record is tried again (the database was unavailable), its body is the record's bytes again: the
 * apply route had already replaced it with the parsed report, and a retry starts from the top of that route.
 */
public class RestoreRecord implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(exchange.getProperty("record", byte[].class));
    }
}
