-- Issue 9, steady state: the subnet gauges (/observe/metrics, every 15 s) and GET /api/v1/subnets counted a
-- subnet's hosts and open ports each time. At a million port states that read the million-entry open_ports
-- index: 0.15 to 0.23 s of the database's time every 15 s (bench/delta database, 2026-12-01), whether or
-- not anything had changed. The counts are now kept with the state they count, written by every stored
-- observation in its transaction (HistoryRepository.advance) from the state it makes current.
ALTER TABLE tracked_subnets
    ADD COLUMN hosts_up   INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'host_state rows with status up',
    ADD COLUMN hosts_gone INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'host_state rows with status gone',
    ADD COLUMN open_ports INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'port_state rows with status open';
UPDATE tracked_subnets s
SET hosts_up   = (SELECT COUNT(*) FROM host_state h WHERE h.subnet_ref = s.id AND h.status = 'up'),
    hosts_gone = (SELECT COUNT(*) FROM host_state h WHERE h.subnet_ref = s.id AND h.status = 'gone'),
    open_ports = (SELECT COUNT(*) FROM port_state p WHERE p.subnet_ref = s.id AND p.status = 'open');
