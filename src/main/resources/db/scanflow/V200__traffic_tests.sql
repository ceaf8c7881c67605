-- Issue 14: traffic tests (iperf3 over SSH). One row per test run, written when it is asked for (running)
-- and completed with its figures or its failure. Versions from 200 on are this feature's.
CREATE TABLE traffic_tests (
    test_id        CHAR(36)      NOT NULL,
    name           VARCHAR(64)   NOT NULL COMMENT 'the pair, as defined in traffic-tests.yaml or given',
    protocol       VARCHAR(3)    NOT NULL COMMENT 'tcp or udp',
    client_host    VARCHAR(300)  NOT NULL COMMENT 'ssh host:port running iperf3 -c',
    server_host    VARCHAR(300)  NOT NULL COMMENT 'ssh host:port running iperf3 -s',
    requested_by   VARCHAR(64)   NOT NULL COMMENT 'schedule or operator',
    status         VARCHAR(10)   NOT NULL COMMENT 'running, passed, breached, failed',
    requested_at   DATETIME(3)   NOT NULL COMMENT 'UTC',
    started_at     DATETIME(3)   NULL,
    finished_at    DATETIME(3)   NULL,
    sent_bps       DOUBLE        NULL,
    received_bps   DOUBLE        NULL,
    retransmits    BIGINT        NULL,
    jitter_ms      DOUBLE        NULL,
    lost_percent   DOUBLE        NULL,
    client_cpu_percent DOUBLE    NULL,
    server_cpu_percent DOUBLE    NULL,
    breaches       TEXT          NULL COMMENT 'thresholds crossed, one per line',
    failure        VARCHAR(32)   NULL COMMENT 'why nothing was measured, e.g. host_key_refused',
    error          TEXT          NULL,
    server_port    INT UNSIGNED  NULL,
    cleaned_up     BOOLEAN       NULL COMMENT 'the remote iperf3 server is known stopped',
    PRIMARY KEY (test_id),
    KEY by_name_time (name, requested_at),
    KEY by_time (requested_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
