#!/bin/sh
# Creates the secret files docker-compose.yml reads, each a fresh random value, readable by the owner only.
# Existing files are kept. The agent's token is issued by the server: see README.md, "Containers".
set -eu
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets
for name in mariadb_root_password phpipam_db_password scanflow_db_password scanflow_api_token scanflow_agent_operator_token grafana_admin_password; do
  [ -s "secrets/$name" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "secrets/$name"
done
[ -e secrets/scanflow_agent_token ] || : > secrets/scanflow_agent_token
echo "secrets/ is ready; put the token from 'token issue' into secrets/scanflow_agent_token"
