#!/bin/sh
# Starts ScanFlow in a container. A secret may be given as a file: SCANFLOW_DB_PASSWORD_FILE=/run/secrets/x
# sets SCANFLOW_DB_PASSWORD from that file's first line, so secrets stay out of the environment listing
# and out of the compose file. (The tokens file's place is a setting of its own: give it as
# -Dscanflow.server.tokens-file, not as SCANFLOW_SERVER_TOKENS_FILE, which this loop would read.)
set -eu
for file_var in $(env | sed -n 's/^\(SCANFLOW_[A-Z0-9_]*\)_FILE=.*/\1/p'); do
  eval "path=\${${file_var}_FILE}"
  if [ ! -r "$path" ]; then
    echo "scanflow: ${file_var}_FILE names $path, which cannot be read" >&2
    exit 2
  fi
  value=$(head -n 1 "$path")
  export "$file_var=$value"
  unset "${file_var}_FILE"
done
exec java ${SCANFLOW_JAVA_OPTS:-} -Dscanflow.home=/opt/scanflow -jar /opt/scanflow/target/scanflow.jar "$@"
