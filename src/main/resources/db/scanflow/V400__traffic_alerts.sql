-- Traffic alerts (issue 14): a traffic test whose result crosses a threshold raises an alert in the same
-- alerts table as scans do, so /api/v1/alerts lists it and a person acknowledges and resolves it the same
-- way. Such an alert belongs to a traffic pair (the test's name), not to a tracked subnet, and to no single
-- address: exactly one of subnet_ref and traffic_pair is set. One alert per pair (traffic_pair, alert_key);
-- alert_events.scan_id holds the id of the traffic test that caused a traffic alert's event.
ALTER TABLE alerts
    MODIFY subnet_ref INT UNSIGNED NULL,
    ADD COLUMN traffic_pair VARCHAR(64) NULL COMMENT 'the traffic test (pair) of a traffic alert' AFTER subnet_ref,
    MODIFY kind ENUM ('port', 'new-host', 'mac-change', 'service-change', 'traffic') NOT NULL,
    MODIFY address VARBINARY(16) NULL,
    MODIFY ip VARCHAR(45) NULL,
    ADD UNIQUE KEY one_per_pair (traffic_pair, alert_key),
    ADD CONSTRAINT alerts_subnet_or_pair CHECK ((subnet_ref IS NULL) <> (traffic_pair IS NULL)),
    ADD CONSTRAINT alerts_traffic_kind CHECK ((traffic_pair IS NULL) = (kind <> 'traffic')),
    ADD CONSTRAINT alerts_address CHECK (traffic_pair IS NOT NULL OR (address IS NOT NULL AND ip IS NOT NULL));
