-- V4 described the kept report as gzipped JSON; servers since kept gzipped Smile, and now the chunk reduced for
-- the delta, in ObservedChunkFormat (dev.scanflow.server.delta). All three are read back, so rows kept before an
-- upgrade are still applied.
ALTER TABLE pending_chunks
    MODIFY report LONGBLOB NOT NULL COMMENT 'the chunk as ObservedChunkFormat wrote it (older rows: gzipped Smile or JSON)';
