#!/bin/bash
# Runs once, on the MariaDB container's first start, after phpIPAM's schema: creates ScanFlow's own schema
# and the user "scanflow" with exactly the grants of README.md ("Database user"), its password read from the
# secret file. phpIPAM's web UI uses the user MARIADB_USER ("phpipam"), created by the image itself.
set -euo pipefail
password=$(head -n 1 /run/secrets/scanflow_db_password)
escaped=${password//\'/\'\'}
mariadb -uroot -p"$(head -n 1 /run/secrets/mariadb_root_password)" <<SQL
CREATE DATABASE IF NOT EXISTS scanflow;
CREATE USER IF NOT EXISTS 'scanflow'@'%' IDENTIFIED BY '${escaped}';
GRANT SELECT ON phpipam.* TO 'scanflow'@'%';
GRANT INSERT, UPDATE ON phpipam.ipaddresses TO 'scanflow'@'%';
GRANT UPDATE ON phpipam.subnets TO 'scanflow'@'%';
GRANT UPDATE ON phpipam.scanAgents TO 'scanflow'@'%';
GRANT ALL ON scanflow.* TO 'scanflow'@'%';
FLUSH PRIVILEGES;
SQL
