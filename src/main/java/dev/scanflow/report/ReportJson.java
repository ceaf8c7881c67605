package dev.scanflow.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping of reports, shared by the agent's marshal step and the server's reader. */
public final class ReportJson {

    private ReportJson() {
    }

    public static ObjectMapper mapper() {
        return configured(new ObjectMapper());
    }

    /**
     * The same mapping in Smile, Jackson's binary JSON, with repeated strings (service names, products,
     * states) written once and referred to after: how servers before ObservedChunkFormat kept chunks waiting for
     * their scan, read now only to apply such rows; not for the wire.
     */
    public static ObjectMapper binary() {
        return configured(new ObjectMapper(SmileFactory.builder()
                .enable(SmileGenerator.Feature.CHECK_SHARED_STRING_VALUES)
                .build()));
    }

    private static ObjectMapper configured(ObjectMapper mapper) {
        return mapper
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
