-- The event stream's journal (issue 15): every event the SSE stream sends, numbered in the order sent, so a
-- client that reconnects with Last-Event-ID gets exactly what it missed, also across a server restart.
-- The number is the SSE event id. Rows older than scanflow.events.journal-retention are deleted.
CREATE TABLE event_journal (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    published_at DATETIME(3)     NOT NULL,
    body         LONGTEXT        NOT NULL CHECK (JSON_VALID(body)),
    PRIMARY KEY (id),
    KEY by_time (published_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
