-- ScanFlow's own schema, apart from phpIPAM's. Every report id applied to phpIPAM is recorded here,
-- in the same transaction as the phpIPAM rows, so a resent report changes nothing more.
CREATE TABLE ingested_reports (
    report_id      CHAR(36)     NOT NULL,
    agent_id       INT UNSIGNED NOT NULL COMMENT 'phpIPAM scanAgents.id',
    subnet_id      INT UNSIGNED NOT NULL COMMENT 'phpIPAM subnets.id',
    scan_start     DATETIME(3)  NOT NULL COMMENT 'UTC',
    received_at    DATETIME     NOT NULL COMMENT 'UTC',
    updated_count  INT          NOT NULL,
    inserted_count INT          NOT NULL,
    ignored_count  INT          NOT NULL,
    PRIMARY KEY (report_id),
    KEY subnet_received (subnet_id, received_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
