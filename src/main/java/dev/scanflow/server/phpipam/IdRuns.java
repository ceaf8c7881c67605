package dev.scanflow.server.phpipam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A set of phpIPAM row ids as WHERE clauses that select exactly those rows: each run of consecutive ids as one
 * {@code id BETWEEN ? AND ?}, the ids alone in one {@code id IN (…)}. The rows an agent discovered in one
 * scan were inserted in address order, so a dense subnet's seen rows are a few long runs: a chunk of a /16
 * is then one range where it was four IN lists of a thousand ids, which MariaDB took about twice as long to
 * update (bench/delta database, 2026-12-01).
 */
record IdRuns(String where, List<Long> parameters) {

    /** The clauses for {@code ids} (any order, repeats allowed), each with at most {@code maxParameters} parameters. */
    static List<IdRuns> of(long[] ids, int maxParameters) {
        if (maxParameters < 2) {
            throw new IllegalArgumentException("a range takes two parameters");
        }
        long[] sorted = Arrays.stream(ids).sorted().distinct().toArray();
        List<IdRuns> clauses = new ArrayList<>();
        int next = 0;
        while (next < sorted.length) {
            List<String> ranges = new ArrayList<>();
            List<Long> bounds = new ArrayList<>();
            List<Long> singles = new ArrayList<>();
            while (next < sorted.length && bounds.size() + singles.size() + 2 <= maxParameters) {
                int end = next;
                while (end + 1 < sorted.length && sorted[end + 1] == sorted[end] + 1) {
                    end++;
                }
                if (end == next) {
                    singles.add(sorted[next]);
                } else {
                    ranges.add("id BETWEEN ? AND ?");
                    bounds.add(sorted[next]);
                    bounds.add(sorted[end]);
                }
                next = end + 1;
            }
            if (!singles.isEmpty()) {
                ranges.add("id IN (" + String.join(",", Collections.nCopies(singles.size(), "?")) + ")");
            }
            List<Long> parameters = new ArrayList<>(bounds);
            parameters.addAll(singles);
            clauses.add(new IdRuns(String.join(" OR ", ranges), List.copyOf(parameters)));
        }
        return clauses;
    }
}
