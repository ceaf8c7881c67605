-- Issue 9, steady state: a rescan in which little changed writes little. A host seen again with nothing new
-- is not written; it is in a run of sightings instead, and its last_seen and times_seen are derived:
--   host_state.seen_since = the tracked subnet's sighting_seq from which every counted scan saw the host up
--                           (NULL: no run; last_seen and times_seen are as stored);
--   last_seen  = GREATEST(host_state.last_seen, tracked_subnets.sighting_start)
--   times_seen = host_state.times_seen + tracked_subnets.sighting_seq - host_state.seen_since
-- The stored values include the run's first sighting. A scan that does not see a host in a run ends the run
-- (the derived values are written into the row). Counted scans are those applied in order (an out-of-order
-- one changes nothing); within a run their starts only move forward, or every run is ended first.
-- Numbered after V100 so that a database that already has V100 takes it too.
ALTER TABLE tracked_subnets
    ADD COLUMN sighting_seq   BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'scans counted for host sightings',
    ADD COLUMN sighting_start DATETIME(3)     NULL COMMENT 'start of the last counted scan';
ALTER TABLE host_state
    ADD COLUMN seen_since BIGINT UNSIGNED NULL COMMENT 'sighting_seq since which every counted scan saw it up',
    -- the few hosts not in a run: a rescan finds the ones it saw again without a lookup per host
    ADD KEY not_in_run (subnet_ref, seen_since);

-- The hosts as readers see them: host_state with last_seen and times_seen derived as above. Every reader
-- of a host's last_seen or times_seen reads them here, never from host_state itself.
CREATE VIEW hosts_seen AS
SELECT h.subnet_ref, h.address, h.ip, h.status, h.misses, h.mac, h.mac_vendor, h.hostname, h.first_seen,
       IF(h.seen_since IS NULL, h.last_seen, GREATEST(h.last_seen, s.sighting_start))    AS last_seen,
       IF(h.seen_since IS NULL, h.times_seen, h.times_seen + s.sighting_seq - h.seen_since) AS times_seen,
       h.status_since
FROM host_state h
         JOIN tracked_subnets s ON s.id = h.subnet_ref;
