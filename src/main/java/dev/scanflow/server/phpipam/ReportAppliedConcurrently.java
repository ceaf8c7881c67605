package dev.scanflow.server.phpipam;

import java.util.UUID;

/**
 * Another transaction recorded the same report id of the same agent while this one was writing: the report
 * was applied once, by the other. The caller rolls back and answers as for any resent report.
 */
public class ReportAppliedConcurrently extends RuntimeException {

    public ReportAppliedConcurrently(UUID reportId, Throwable cause) {
        super("report " + reportId + " was applied concurrently", cause);
    }
}
