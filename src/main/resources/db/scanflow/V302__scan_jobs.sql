-- Scans on demand (issue 15): queued for the agent that owns the subnet, claimed by exactly one poll
-- (a conditional UPDATE), then running with progress until done, failed or cancelled. A job not claimed
-- within scanflow.jobs.claim-timeout, or not finished within scanflow.jobs.run-timeout, is requeued (up to
-- scanflow.jobs.max-attempts) or failed.
CREATE TABLE scan_jobs (
    id               CHAR(36)                                                           NOT NULL,
    agent_code       VARCHAR(64)                                                        NOT NULL,
    subnet_id        INT UNSIGNED                                                       NOT NULL COMMENT 'phpIPAM subnets.id',
    cidr             VARCHAR(49)                                                        NOT NULL,
    profile          VARCHAR(32)                                                        NOT NULL,
    ports            VARCHAR(1024)                                                      NULL,
    status           ENUM ('queued', 'running', 'done', 'failed', 'cancelled')          NOT NULL,
    cancel_requested TINYINT(1)                                                         NOT NULL DEFAULT 0,
    progress         DECIMAL(5, 2)                                                      NOT NULL DEFAULT 0,
    message          VARCHAR(1024)                                                      NULL,
    report_id        CHAR(36)                                                           NULL,
    attempts         INT UNSIGNED                                                       NOT NULL DEFAULT 0,
    requested_by     VARCHAR(128)                                                       NULL,
    created_at       DATETIME(3)                                                        NOT NULL,
    queued_at        DATETIME(3)                                                        NOT NULL,
    claimed_at       DATETIME(3)                                                        NULL,
    updated_at       DATETIME(3)                                                        NOT NULL,
    finished_at      DATETIME(3)                                                        NULL,
    PRIMARY KEY (id),
    KEY by_agent_status (agent_code, status, queued_at),
    KEY by_status (status, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
