#!/bin/sh
# Makes the class archive (AppCDS, a dynamic archive) that the JVM image starts from; Dockerfile.jvm runs it.
#   train-class-archive.sh ARCHIVE COMMAND [ARGUMENT...]
# COMMAND starts the service the way the archive will be used: the same JDK, the same jar path, the image's options.
# It runs once with no PostgreSQL or Kafka to reach (the service keeps retrying them, so no migration, no
# connection) until /q/health/live answers, and is stopped with SIGTERM; the JVM writes the classes it loaded
# to ARCHIVE as it exits. A start from this archive was as fast as one from an archive trained against a real
# database and broker under requests.
set -eu

archive=$1
shift
port=${QUARKUS_HTTP_PORT:-8080}

# Through the JVM's own variable, so that any launcher (the image's run-java.sh, a plain java command) passes it.
# The heap is capped so that the training JVM uses compressed pointers, as every pod does: on a build host with
# more than about 45 GB the image's 70 % would turn them off, and the archive would not load in a pod.
export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -Xmx512m -XX:ArchiveClassesAtExit=$archive"
export QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port"
export QUARKUS_FLYWAY_MIGRATE_AT_START=false QUARKUS_HIBERNATE_ORM_SCHEMA_MANAGEMENT_STRATEGY=none
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:1/none QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:1/none
export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1
export EVENTS_AUTH_API_KEYS=training-only
EVENTS_SECRETS_KEYS="$(head -c 32 /dev/urandom | base64)"
export EVENTS_SECRETS_KEYS

# The service's own output (warnings about the missing database and broker) is shown only if the training fails
output=$(mktemp)
rm -f "$archive"
"$@" > "$output" 2>&1 &
service=$!
# Kills the service only while it has not been waited for, so that a reused PID is never signalled
trap '[ -z "$service" ] || kill -KILL "$service" 2> /dev/null || true; rm -f "$output"' EXIT
fail() {
  tail -n 60 "$output" >&2
  echo "train-class-archive: $1" >&2
  exit 1
}

deadline=$(($(date +%s) + 180))
until curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/live" 2> /dev/null; do
  kill -0 "$service" 2> /dev/null || fail "the service exited before it was live"
  [ "$(date +%s)" -lt "$deadline" ] || fail "the service was not live within 180 s"
  sleep 0.2
done

kill -TERM "$service"
# The JVM exits with 143 after SIGTERM; what counts is the archive it wrote on the way out
wait "$service" || true
service=
[ -s "$archive" ] || fail "no archive was written to $archive"
echo "train-class-archive: $archive ($(du -h "$archive" | cut -f1))"
