-- Traffic tests run by a site's agent (issue 14, hosts behind NAT): the server queues the run as work for that
-- agent (status 'queued', run_by its code); the agent claims it (running) and its result comes back through
-- its spool. The protocol and the hosts are the agent's to know: empty until the result names them.
ALTER TABLE traffic_tests
    ADD COLUMN run_by VARCHAR(128) NULL COMMENT 'the agent that runs it; null: the server ran it' AFTER requested_by,
    MODIFY protocol VARCHAR(3) NULL COMMENT 'tcp or udp',
    MODIFY client_host VARCHAR(300) NULL COMMENT 'ssh host:port running iperf3 -c',
    MODIFY server_host VARCHAR(300) NULL COMMENT 'ssh host:port running iperf3 -s',
    MODIFY status VARCHAR(10) NOT NULL COMMENT 'queued, running, passed, breached, failed',
    ADD KEY by_agent_status (run_by, status, requested_at);
