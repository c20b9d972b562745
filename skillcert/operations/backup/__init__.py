"""Backup and restore, each checked before it is trusted.

A backup is a folder only its owner can open (0700, every file 0600): the database (SQLite's
online backup, or `pg_dump -Fc` run in the snapshot the row counts were read from), the
uploaded files (media.tar.gz, when they live on local disk) and manifest.json. The manifest
holds the row count of every table, the audit-chain head, the SHA-256 of each file in the
folder and of every uploaded file, and an HMAC-SHA256 signature over all of it under a key
kept outside the backup (SKILLCERT_BACKUP_KEY), so nobody who can write to the backups can
make a revoked certificate valid again or change a score.

A restore touches nothing until the backup has proven itself: the signature, then every
hash, then the data restored into a staging copy (a new SQLite file beside the live one, or a
new PostgreSQL database; the files into a folder beside MEDIA_ROOT) must show the manifest's
row counts and an unbroken audit chain. Only then is the live data replaced, each part in one
atomic step: the media folder by rename, the database by SQLite's backup API (one write
transaction) or by renaming the two PostgreSQL databases in one transaction. A failure before
that leaves the live data as it was; a failure of the database step puts the old media folder
back.

The parts: `manifest` (key, signature, the check of a folder), `create` (making a backup),
`restore` (staging, the swap), with `files` and `databases` the tools they share."""

from skillcert.operations.backup.create import BackupResult, backup_create
from skillcert.operations.backup.manifest import (
    FORMAT,
    KEY_SETTING,
    MANIFEST,
    MEDIA_ARCHIVE,
    PG_FILE,
    SQLITE_FILE,
    backup_check,
    backup_key,
    key_fingerprint,
    manifest_signature,
)
from skillcert.operations.backup.restore import backup_restore, backup_verify

__all__ = [
    "FORMAT",
    "KEY_SETTING",
    "MANIFEST",
    "MEDIA_ARCHIVE",
    "PG_FILE",
    "SQLITE_FILE",
    "BackupResult",
    "backup_check",
    "backup_create",
    "backup_key",
    "backup_restore",
    "backup_verify",
    "key_fingerprint",
    "manifest_signature",
]
