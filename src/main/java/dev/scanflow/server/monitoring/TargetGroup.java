package dev.scanflow.server.monitoring;

import java.util.List;
import java.util.Map;

/**
 * One entry of Prometheus' http_sd and file_sd format: {"targets": ["host:port"], "labels": {...}}. ScanFlow
 * gives every target its own group, since each host has labels of its own.
 */
public record TargetGroup(List<String> targets, Map<String, String> labels) {

    public TargetGroup {
        targets = List.copyOf(targets);
        labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    }
}
