package dev.scanflow.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prometheus conventions for every meter of the registry, Camel's included: snake_case label names (Camel
 * tags its meters camelContext, routeId, ...) and a HELP text on every series (a meter without a description
 * gets one naming what it is), so {@code promtool check metrics} passes.
 */
public final class MetricNaming {

    private MetricNaming() {
    }

    public static void apply(MeterRegistry registry) {
        // the processor binder's CPU time in ns duplicates process_cpu_usage and breaks the naming rules
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                List<Tag> tags = new ArrayList<>();
                for (Tag tag : id.getTagsAsIterable()) {
                    tags.add(Tag.of(snakeCase(tag.getKey()), tag.getValue()));
                }
                String description = id.getDescription();
                if (description == null || description.isBlank()) {
                    description = "Camel or JVM meter " + id.getName();
                }
                // "_count" is a summary's suffix to Prometheus: the number of CPUs is system_cpus
                String name = id.getName().equals("system.cpu.count") ? "system.cpus" : id.getName();
                return new Meter.Id(name, io.micrometer.core.instrument.Tags.of(tags), id.getBaseUnit(),
                        description, id.getType());
            }
        });
    }

    /** camelContext → camel_context, routeId → route_id; already snake_case stays as it is. */
    public static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && out.charAt(out.length() - 1) != '_') {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else if (c == '.' || c == '-') {
                out.append('_');
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
