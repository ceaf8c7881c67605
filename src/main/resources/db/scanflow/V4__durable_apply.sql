-- Issue 9: one transaction applies a report, keeps what its scan's deltas need, and records its id.
--
-- Report ids are unique per agent, not globally: another agent sending the same id is another report.
ALTER TABLE ingested_reports DROP PRIMARY KEY, ADD PRIMARY KEY (agent_id, report_id);

-- Scan ids are unique per tracked subnet (site, subnet), not globally, for the same reason.
ALTER TABLE applied_scans DROP PRIMARY KEY, ADD PRIMARY KEY (scan_id, subnet_ref);
ALTER TABLE applied_scan_reports ADD COLUMN subnet_ref INT UNSIGNED NULL FIRST;
UPDATE applied_scan_reports r JOIN applied_scans a ON a.scan_id = r.scan_id SET r.subnet_ref = a.subnet_ref;
ALTER TABLE applied_scan_reports MODIFY subnet_ref INT UNSIGNED NOT NULL,
    DROP PRIMARY KEY, ADD PRIMARY KEY (subnet_ref, report_id);

-- Chunks of a scan whose other chunks have not all arrived yet: written in the same transaction as the
-- chunk's phpIPAM rows and report id, deleted in the transaction that applies the whole scan's deltas.
-- A server that crashes in between finds them here; nothing waits only in memory.
CREATE TABLE pending_chunks (
    agent_id    INT UNSIGNED  NOT NULL COMMENT 'phpIPAM scanAgents.id',
    subnet_id   INT UNSIGNED  NOT NULL COMMENT 'phpIPAM subnets.id',
    scan_id     CHAR(36)      NOT NULL,
    chunk_index INT UNSIGNED  NOT NULL,
    chunk_count INT UNSIGNED  NOT NULL,
    report_id   CHAR(36)      NOT NULL,
    received_at DATETIME(3)   NOT NULL COMMENT 'UTC',
    report      LONGBLOB      NOT NULL COMMENT 'the report as gzipped JSON',
    PRIMARY KEY (agent_id, subnet_id, scan_id, chunk_index),
    KEY by_received (received_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
