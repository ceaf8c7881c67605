package dev.scanflow.server.history;

import java.util.List;

/**
 * One page of a list and the cursor of the next page, null on the last one. Cursors are opaque tokens
 * the API hands back as they are; they stay valid while rows are added (keyset paging, not offsets).
 */
public record Page<T>(List<T> items, String next) {

    public Page {
        items = List.copyOf(items);
    }

    public static final int MAX_LIMIT = 1000;

    static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        return limit;
    }
}
