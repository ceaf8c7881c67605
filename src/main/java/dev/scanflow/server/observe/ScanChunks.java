package dev.scanflow.server.observe;

import dev.scanflow.server.delta.ScanAssembly;
import dev.scanflow.server.intake.AuthorizedReport;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Camel's aggregation strategy for the chunks of one scan: the first chunk starts a {@link ScanAssembly},
 * each later one is added to it (a resent chunk is ignored). The aggregated body is the assembly; the
 * first chunk's authorization (agent, phpIPAM subnet) travels in the {@code authorized} property.
 */
public class ScanChunks implements AggregationStrategy {

    public static final String AUTHORIZED = "authorized";

    @Override
    public Exchange aggregate(Exchange assembled, Exchange chunk) {
        AuthorizedReport report = chunk.getMessage().getBody(AuthorizedReport.class);
        if (assembled == null) {
            chunk.setProperty(AUTHORIZED, report);
            chunk.getMessage().setBody(ScanAssembly.startWith(report.report()));
            return chunk;
        }
        assembled.getMessage().getBody(ScanAssembly.class).add(report.report());
        return assembled;
    }

    /** Chunks of one scan of one subnet by one agent belong together. */
    public static String correlationKey(AuthorizedReport authorized) {
        return authorized.agent().id() + "/" + authorized.subnet().id() + "/" + ScanAssembly.scanIdOf(authorized.report());
    }
}
