-- Scans on demand over Kafka: the site an agent's heartbeat names (scanflow.agent.site, sent only by an agent
-- whose transport is kafka and which therefore consumes its site's work topic). The server publishes a queued
-- scan job to scanflow.kafka.work-topic-prefix + this site; NULL means the agent finds its jobs by HTTP poll only.
ALTER TABLE fleet_agents
    ADD COLUMN site VARCHAR(64) NULL COMMENT 'the work topic''s site, from the last heartbeat' AFTER agent_code;
