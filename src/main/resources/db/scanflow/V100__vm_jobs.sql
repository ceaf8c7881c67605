-- VM provisioning jobs (IP Manager, part 1): one row per POST /api/v1/vms, durable so that a server that
-- stops mid-job can roll the job back on its next start. Versions from 100 up belong to this feature.
CREATE TABLE vm_jobs (
    job_id          CHAR(36)     NOT NULL PRIMARY KEY,
    idempotency_key VARCHAR(200) NULL,
    request_hash    CHAR(64)     NOT NULL,            -- SHA-256 of the canonical request: a reused key must mean the same request
    request         TEXT         NOT NULL,            -- the validated request as JSON
    status          VARCHAR(16)  NOT NULL,            -- running, succeeded, failed, rollback_failed
    subnet_id       INT UNSIGNED NOT NULL,            -- phpipam subnets.id
    subnet_cidr     VARCHAR(64)  NOT NULL,
    address         VARCHAR(45)  NOT NULL,            -- dotted
    gateway         VARCHAR(45)  NULL,
    address_row_id  INT          NULL,                -- phpipam ipaddresses.id of the row this job inserted
    vmid            INT          NULL,
    clone_requested TINYINT(1)   NOT NULL DEFAULT 0,  -- the clone POST was sent: a VM with vmid may be ours
    current_task    VARCHAR(255) NULL,                -- UPID of the Proxmox task being awaited
    failed_step     VARCHAR(32)  NULL,
    error           TEXT         NULL,
    heartbeat_at    DATETIME(3)  NOT NULL,            -- refreshed while a server works on the job
    created_at      DATETIME(3)  NOT NULL,
    finished_at     DATETIME(3)  NULL,
    UNIQUE KEY vm_jobs_idempotency (idempotency_key),
    KEY vm_jobs_running (status, heartbeat_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE vm_job_steps (
    job_id     CHAR(36)    NOT NULL,
    seq        INT         NOT NULL,
    step       VARCHAR(32) NOT NULL,                  -- reserve, nextid, clone, ... ; undo steps: stop-task, stop-vm, delete-vm, release-address
    phase      VARCHAR(8)  NOT NULL,                  -- do or undo
    started_at DATETIME(3) NOT NULL,
    ended_at   DATETIME(3) NULL,
    outcome    VARCHAR(16) NULL,                      -- ok, failed, skipped
    detail     TEXT        NULL,
    PRIMARY KEY (job_id, seq),
    CONSTRAINT vm_job_steps_job FOREIGN KEY (job_id) REFERENCES vm_jobs (job_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
