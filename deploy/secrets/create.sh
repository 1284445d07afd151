#!/bin/sh
# Creates docker-compose.yml's secrets, session_secret and jwt_secret, in this directory (or the one
# given): 64 random base64 characters each, no trailing newline. An existing non-empty file is kept,
# because replacing the session secret logs everyone out.
set -eu
dir=${1:-$(dirname "$0")}
for name in session_secret jwt_secret; do
  file=$dir/$name
  [ -s "$file" ] && continue
  (umask 077 && openssl rand -base64 48 | tr -d '\n' >"$file")
  # Compose outside swarm bind-mounts a secret with its host owner and mode, and the image runs as
  # uid 1000: hand the file to that uid when we can, else make it readable.
  if [ "$(id -u)" = 0 ]; then
    chown 1000:1000 "$file" && chmod 0400 "$file"
  elif [ "$(id -u)" = 1000 ]; then
    chmod 0400 "$file"
  else
    chmod 0444 "$file"
  fi
  echo "created $file"
done
