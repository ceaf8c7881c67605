-- Reports now also count the addresses whose phpIPAM status tag changed.
ALTER TABLE ingested_reports ADD COLUMN retagged_count INT NOT NULL DEFAULT 0 AFTER ignored_count;
