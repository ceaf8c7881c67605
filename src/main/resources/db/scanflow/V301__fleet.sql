-- The fleet (issue 15): one row per agent that ever sent a heartbeat, with what it said last and the state
-- the server sees it in (online, late after one missed interval, offline after scanflow.fleet.offline-after-missed).
CREATE TABLE fleet_agents (
    agent_code     VARCHAR(64)                          NOT NULL COMMENT 'phpIPAM scanAgents.code',
    version        VARCHAR(64)                          NULL,
    profiles       TEXT                                 NULL COMMENT 'JSON array',
    subnets        TEXT                                 NULL COMMENT 'JSON array of CIDRs',
    backlog        INT UNSIGNED                         NOT NULL DEFAULT 0 COMMENT 'reports waiting to be delivered',
    last_delivery  DATETIME(3)                          NULL,
    last_error     VARCHAR(1024)                        NULL,
    last_heartbeat DATETIME(3)                          NOT NULL,
    status         ENUM ('online', 'late', 'offline')   NOT NULL,
    status_since   DATETIME(3)                          NOT NULL,
    PRIMARY KEY (agent_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Enrolment: an operator makes a one-time enrolment token; a new agent presents it once with its code and a
-- claim secret of its own (both hashed here); it stays pending until an operator approves it; then the agent,
-- presenting its claim secret, collects its own agent token once (only the token's hash is kept, in the
-- tokens file the intake reads).
CREATE TABLE fleet_enrolment_tokens (
    token_hash CHAR(64)    NOT NULL,
    created_at DATETIME(3) NOT NULL,
    expires_at DATETIME(3) NOT NULL,
    used_at    DATETIME(3) NULL,
    PRIMARY KEY (token_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE fleet_enrolments (
    id           CHAR(36)                                               NOT NULL,
    agent_code   VARCHAR(64)                                            NOT NULL,
    claim_hash   CHAR(64)                                               NOT NULL,
    status       ENUM ('pending', 'approved', 'rejected', 'collected')  NOT NULL,
    requested_at DATETIME(3)                                            NOT NULL,
    decided_at   DATETIME(3)                                            NULL,
    decided_by   VARCHAR(128)                                           NULL,
    PRIMARY KEY (id),
    KEY by_status (status, requested_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
