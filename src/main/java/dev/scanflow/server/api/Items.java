package dev.scanflow.server.api;

import java.util.List;

/** A whole list, not paged: {"items": [...]}, the same envelope as a page without its "next". */
public record Items<T>(List<T> items) {

    public Items {
        items = List.copyOf(items);
    }
}
