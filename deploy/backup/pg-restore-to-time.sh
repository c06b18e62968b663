#!/usr/bin/env bash
# Point-in-time recovery: a new data directory from a base backup plus the archived WAL,
# replayed up to a moment and no further. Every transaction committed before the target
# time is there; none committed after it is.
#
#   deploy/backup/pg-restore-to-time.sh <base-backup-dir> <wal-archive-dir> <target-time> <new-data-dir>
#   deploy/backup/pg-restore-to-time.sh /backups/base-20260101T000000Z /var/lib/postgresql/wal-archive \
#       '2026-01-01 12:34:56+09' /var/lib/postgresql/15/restored
#
# Then start PostgreSQL on <new-data-dir> (as its owner): it replays to the target,
# promotes and accepts writes (recovery_target_action = promote). Point the shop's
# PG_URL at it once `SELECT pg_is_in_recovery()` answers false (deploy/RUNBOOK.md).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 <base-backup-dir> <wal-archive-dir> <target-time> <new-data-dir>" >&2; exit 2; }
BASE="$1"; ARCHIVE="$2"; TARGET="$3"; DATA="$4"
[ -f "$BASE/base.tar.gz" ] || { echo "$BASE/base.tar.gz not found (make it with pg-base-backup.sh)" >&2; exit 1; }
[ -d "$ARCHIVE" ] || { echo "WAL archive $ARCHIVE not found" >&2; exit 1; }
[ ! -e "$DATA" ] || [ -z "$(ls -A "$DATA")" ] || { echo "$DATA is not empty; restore into a new directory" >&2; exit 1; }

mkdir -p "$DATA"
chmod 0700 "$DATA"
tar -xzf "$BASE/base.tar.gz" -C "$DATA"
mkdir -p "$DATA/pg_wal"
[ ! -f "$BASE/pg_wal.tar.gz" ] || tar -xzf "$BASE/pg_wal.tar.gz" -C "$DATA/pg_wal"
# The restored server must not archive into the live archive, nor listen where the old one does.
cat >> "$DATA/postgresql.auto.conf" <<CONF
# Point-in-time recovery by deploy/backup/pg-restore-to-time.sh, $(date -u +%FT%TZ)
restore_command = 'cp "$ARCHIVE/%f" "%p"'
recovery_target_time = '$TARGET'
recovery_target_inclusive = false
recovery_target_action = 'promote'
archive_mode = off
CONF
touch "$DATA/recovery.signal"
# When run as root for a server that runs as postgres, hand the directory over.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then chown -R postgres: "$DATA"; fi
echo "restored into $DATA; start PostgreSQL on it to replay up to $TARGET"
