#!/usr/bin/env bash
# A base backup of a whole PostgreSQL server (every service's database), the starting
# point of a point-in-time recovery together with the archived WAL after it.
#
#   deploy/backup/pg-base-backup.sh <backup-dir> [pg_basebackup connection options...]
#   deploy/backup/pg-base-backup.sh /backups/base-$(date -u +%Y%m%dT%H%M%SZ) -h db.internal -U replicator
#
# Writes base.tar.gz, pg_wal.tar.gz (the WAL the backup needs to be consistent) and
# backup_manifest (checksums of every file). Needs a role with REPLICATION (or
# superuser) and a pg_basebackup of the server's major version or newer.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 <backup-dir> [pg_basebackup options...]" >&2; exit 2; }
DIR="$1"; shift
[ ! -e "$DIR" ] || { echo "$DIR exists; a base backup goes into a new directory" >&2; exit 1; }
pg_basebackup --pgdata="$DIR" --format=tar --gzip --wal-method=stream --checkpoint=fast --label="shop base backup" --progress "$@"
[ -s "$DIR/base.tar.gz" ] && [ -s "$DIR/backup_manifest" ] || { echo "pg_basebackup left no base.tar.gz and backup_manifest in $DIR" >&2; exit 1; }
echo "base backup in $DIR ($(du -sh "$DIR" | cut -f1)); keep the WAL archive from now on"
