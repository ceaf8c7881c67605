-- Deltas, device history and the change log (issue 5), in ScanFlow's own schema, never phpIPAM's.
-- Everything is per tracked subnet: one phpIPAM subnet as seen by one site (scan agent). Addresses are
-- VARBINARY(16) in network byte order (4 bytes IPv4, 16 IPv6), so that they sort as numbers; `ip` is the
-- same address as text for people. Times are UTC. An observation is written in one transaction: state,
-- history, changes and alerts together, or nothing.

CREATE TABLE tracked_subnets (
    id              INT UNSIGNED    NOT NULL AUTO_INCREMENT,
    site            VARCHAR(128)    NOT NULL COMMENT 'the scan agent (site) whose observations these are',
    subnet_id       INT UNSIGNED    NOT NULL COMMENT 'phpIPAM subnets.id',
    cidr            VARCHAR(49)     NOT NULL,
    version         BIGINT UNSIGNED NOT NULL COMMENT 'observations applied; a writer must hold the version it read',
    last_scan_id    CHAR(36)        NULL,
    last_scan_start DATETIME(3)     NULL,
    updated_at      DATETIME(3)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY site_subnet (site, subnet_id),
    KEY by_subnet (subnet_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per observation applied: a scan id is applied once.
CREATE TABLE applied_scans (
    scan_id        CHAR(36)        NOT NULL COMMENT 'chunk.scanId, or the report id of an unchunked report',
    subnet_ref     INT UNSIGNED    NOT NULL,
    state_version  BIGINT UNSIGNED NOT NULL COMMENT 'tracked_subnets.version this observation made',
    profile        VARCHAR(32)     NULL COMMENT 'discovery, ports, services-nmap; NULL for format version 1',
    scan_start     DATETIME(3)     NOT NULL,
    scan_end       DATETIME(3)     NOT NULL,
    applied_at     DATETIME(3)     NOT NULL,
    chunk_count    INT UNSIGNED    NOT NULL,
    missing_chunks VARCHAR(2048)   NULL COMMENT 'indexes that never arrived: their targets stayed unknown',
    is_partial     TINYINT(1)      NOT NULL COMMENT 'a report was cut short: what it did not report stayed unknown',
    hosts_reported INT UNSIGNED    NOT NULL,
    change_count   INT UNSIGNED    NOT NULL,
    PRIMARY KEY (scan_id),
    KEY by_subnet_time (subnet_ref, scan_start),
    CONSTRAINT applied_scans_subnet FOREIGN KEY (subnet_ref) REFERENCES tracked_subnets (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE applied_scan_reports (
    report_id CHAR(36) NOT NULL,
    scan_id   CHAR(36) NOT NULL,
    PRIMARY KEY (report_id),
    KEY by_scan (scan_id),
    CONSTRAINT applied_scan_reports_scan FOREIGN KEY (scan_id) REFERENCES applied_scans (scan_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every host ever seen up on a tracked subnet: the delta engine's state and the device's history.
CREATE TABLE host_state (
    subnet_ref   INT UNSIGNED          NOT NULL,
    address      VARBINARY(16)         NOT NULL,
    ip           VARCHAR(45)           NOT NULL,
    status       ENUM ('up', 'gone')   NOT NULL COMMENT 'gone = missed by N covering scans (phpIPAM: previously used)',
    misses       TINYINT UNSIGNED      NOT NULL COMMENT 'consecutive covering scans that missed it while up',
    mac          CHAR(17)              NULL COMMENT 'the last MAC seen; history in host_identity_history',
    mac_vendor   VARCHAR(128)          NULL,
    hostname     VARCHAR(255)          NULL COMMENT 'the last name seen; history in host_identity_history',
    first_seen   DATETIME(3)           NOT NULL,
    last_seen    DATETIME(3)           NOT NULL,
    times_seen   INT UNSIGNED          NOT NULL COMMENT 'observations that saw it up',
    status_since DATETIME(3)           NOT NULL,
    PRIMARY KEY (subnet_ref, address),
    CONSTRAINT host_state_subnet FOREIGN KEY (subnet_ref) REFERENCES tracked_subnets (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- MACs and host names over time: one row per value per period; valid_until NULL while current.
CREATE TABLE host_identity_history (
    id          BIGINT UNSIGNED           NOT NULL AUTO_INCREMENT,
    subnet_ref  INT UNSIGNED              NOT NULL,
    address     VARBINARY(16)             NOT NULL,
    kind        ENUM ('mac', 'hostname')  NOT NULL,
    value       VARCHAR(255)              NOT NULL,
    valid_from  DATETIME(3)               NOT NULL,
    valid_until DATETIME(3)               NULL,
    from_scan   CHAR(36)                  NOT NULL,
    PRIMARY KEY (id),
    KEY by_host (subnet_ref, address, kind, valid_until)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every port ever seen open on a host of a tracked subnet; 'closed' once confirmed closed.
CREATE TABLE port_state (
    subnet_ref         INT UNSIGNED                   NOT NULL,
    address            VARBINARY(16)                  NOT NULL,
    protocol           ENUM ('tcp', 'udp', 'sctp')    NOT NULL,
    port               SMALLINT UNSIGNED              NOT NULL,
    status             ENUM ('open', 'closed')        NOT NULL,
    misses             TINYINT UNSIGNED               NOT NULL COMMENT 'consecutive covering misses while open',
    service_name       VARCHAR(128)                   NULL,
    service_product    VARCHAR(256)                   NULL,
    service_version    VARCHAR(256)                   NULL,
    service_extra_info VARCHAR(512)                   NULL,
    service_tunnel     VARCHAR(32)                    NULL,
    service_cpes       TEXT                           NULL COMMENT 'JSON array',
    first_seen         DATETIME(3)                    NOT NULL,
    last_seen          DATETIME(3)                    NOT NULL,
    times_seen         INT UNSIGNED                   NOT NULL,
    status_since       DATETIME(3)                    NOT NULL,
    PRIMARY KEY (subnet_ref, address, protocol, port),
    KEY open_ports (subnet_ref, status),
    CONSTRAINT port_state_subnet FOREIGN KEY (subnet_ref) REFERENCES tracked_subnets (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Services over time per port: one row per service per period; valid_until NULL while current.
CREATE TABLE port_service_history (
    id          BIGINT UNSIGNED                NOT NULL AUTO_INCREMENT,
    subnet_ref  INT UNSIGNED                   NOT NULL,
    address     VARBINARY(16)                  NOT NULL,
    protocol    ENUM ('tcp', 'udp', 'sctp')    NOT NULL,
    port        SMALLINT UNSIGNED              NOT NULL,
    name        VARCHAR(128)                   NULL,
    product     VARCHAR(256)                   NULL,
    version     VARCHAR(256)                   NULL,
    extra_info  VARCHAR(512)                   NULL,
    tunnel      VARCHAR(32)                    NULL,
    cpes        TEXT                           NULL COMMENT 'JSON array',
    valid_from  DATETIME(3)                    NOT NULL,
    valid_until DATETIME(3)                    NULL,
    from_scan   CHAR(36)                       NOT NULL,
    PRIMARY KEY (id),
    KEY by_port (subnet_ref, address, protocol, port, valid_until)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The change log: every typed change, as the API and the publishers show it (detail is its JSON).
CREATE TABLE change_log (
    id          BIGINT UNSIGNED                NOT NULL AUTO_INCREMENT,
    subnet_ref  INT UNSIGNED                   NOT NULL,
    scan_id     CHAR(36)                       NOT NULL,
    observed_at DATETIME(3)                    NOT NULL COMMENT 'the scan start of the observation',
    change_type VARCHAR(24)                    NOT NULL,
    address     VARBINARY(16)                  NOT NULL,
    ip          VARCHAR(45)                    NOT NULL,
    protocol    ENUM ('tcp', 'udp', 'sctp')    NULL,
    port        SMALLINT UNSIGNED              NULL,
    detail      LONGTEXT                       NOT NULL CHECK (JSON_VALID(detail)),
    PRIMARY KEY (id),
    KEY by_subnet_time (subnet_ref, observed_at, id),
    KEY by_time (observed_at, id),
    KEY by_scan (scan_id, id),
    KEY by_host (subnet_ref, address, id),
    CONSTRAINT change_log_subnet FOREIGN KEY (subnet_ref) REFERENCES tracked_subnets (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
