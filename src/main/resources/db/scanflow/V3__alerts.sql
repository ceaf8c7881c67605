-- Alerts (issue 5): one row per thing (subnet_ref, alert_key), so there is never a second alert, open or
-- not, for the same port, new host, MAC change or service change of one address on one tracked subnet.
-- A resolved alert whose thing comes back is reopened in place; alert_events keeps every step.
CREATE TABLE alerts (
    id              BIGINT UNSIGNED                                     NOT NULL AUTO_INCREMENT,
    subnet_ref      INT UNSIGNED                                        NOT NULL,
    alert_key       VARCHAR(100)                                        NOT NULL COMMENT 'kind|ip|protocol/port',
    kind            ENUM ('port', 'new-host', 'mac-change', 'service-change') NOT NULL,
    address         VARBINARY(16)                                       NOT NULL,
    ip              VARCHAR(45)                                         NOT NULL,
    protocol        ENUM ('tcp', 'udp', 'sctp')                         NULL,
    port            SMALLINT UNSIGNED                                   NULL,
    rule_name       VARCHAR(255)                                        NOT NULL,
    severity        ENUM ('info', 'low', 'medium', 'high', 'critical')  NOT NULL,
    status          ENUM ('open', 'acknowledged', 'resolved')           NOT NULL,
    message         VARCHAR(1024)                                       NOT NULL,
    opened_at       DATETIME(3)                                         NOT NULL,
    last_event_at   DATETIME(3)                                         NOT NULL,
    acknowledged_at DATETIME(3)                                         NULL,
    acknowledged_by VARCHAR(128)                                        NULL,
    resolved_at     DATETIME(3)                                         NULL,
    resolved_by     VARCHAR(128)                                        NULL,
    resolution      ENUM ('auto', 'manual')                             NULL,
    times_opened    INT UNSIGNED                                        NOT NULL,
    occurrences     INT UNSIGNED                                        NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY one_per_thing (subnet_ref, alert_key),
    KEY by_status (status, severity, last_event_at),
    KEY by_subnet_status (subnet_ref, status, id),
    CONSTRAINT alerts_subnet FOREIGN KEY (subnet_ref) REFERENCES tracked_subnets (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE alert_events (
    id         BIGINT UNSIGNED                                                                    NOT NULL AUTO_INCREMENT,
    alert_id   BIGINT UNSIGNED                                                                    NOT NULL,
    event      ENUM ('opened', 'reopened', 'updated', 'acknowledged', 'resolved', 'auto_resolved') NOT NULL,
    at         DATETIME(3)                                                                        NOT NULL,
    status     ENUM ('open', 'acknowledged', 'resolved')                                          NOT NULL COMMENT 'after the event',
    scan_id    CHAR(36)                                                                           NULL,
    actor      VARCHAR(128)                                                                       NULL,
    note       VARCHAR(1024)                                                                      NULL,
    PRIMARY KEY (id),
    KEY by_alert (alert_id, id),
    KEY by_time (at, id),
    CONSTRAINT alert_events_alert FOREIGN KEY (alert_id) REFERENCES alerts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
