"""The signed manifest: the signing key, the signature, and the check of a backup folder
against its manifest before anything is restored."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from skillcert.common.errors import DomainError
from skillcert.operations.backup.files import sha256_file

MANIFEST = "manifest.json"
FORMAT = 2
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_ARCHIVE = "media.tar.gz"
KEY_SETTING = "SKILLCERT_BACKUP_KEY"
# Without SKILLCERT_BACKUP_KEY (development) the key is derived from SECRET_KEY under a salt
# of its own, so it is no key Django derives for anything else.
_KEY_SALT = b"skillcert.operations.backup:manifest-signing-key"
_FINGERPRINT_SALT = b"skillcert.operations.backup:key-fingerprint"
_MANIFEST_MAX_BYTES = 512 * 1024 * 1024
REFUSED = "恢复已拒绝，当前数据未改动"


def backup_key() -> bytes:
    raw = getattr(settings, KEY_SETTING, "") or os.environ.get(KEY_SETTING, "")
    if raw:
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise DomainError(
                "backup.key_invalid", f"{KEY_SETTING} 不是有效的 base64 编码"
            ) from None
        if len(key) < 32:
            raise DomainError(
                "backup.key_invalid", f"{KEY_SETTING} 太短：应为至少 32 字节的随机数（base64 编码）"
            )
        return key
    if getattr(settings, "PRODUCTION", False):
        raise DomainError(
            "backup.key_missing",
            f"生产环境必须设置 {KEY_SETTING}（独立于 SECRET_KEY 的备份签名密钥，"
            "见 docs/DEPLOYMENT.md）",
        )
    return hmac.new(settings.SECRET_KEY.encode(), _KEY_SALT, hashlib.sha256).digest()


def key_fingerprint(key: bytes) -> str:
    """Names the key in the manifest, so a restore with another key says so."""
    return hashlib.sha256(_FINGERPRINT_SALT + key).hexdigest()[:16]


def manifest_signature(manifest: Mapping[str, Any], *, key: bytes) -> str:
    body = {name: value for name, value in manifest.items() if name != "signature"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _manifest_read(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise DomainError(
            "backup.manifest_missing", f"{folder} 中没有 {MANIFEST}，不是有效的备份目录"
        )
    if path.stat().st_size > _MANIFEST_MAX_BYTES:
        raise DomainError("backup.manifest_invalid", f"{MANIFEST} 大得不合理，不是本平台的备份清单")
    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        raise DomainError(
            "backup.manifest_invalid", f"{MANIFEST} 不是有效的 JSON：备份清单已损坏，{REFUSED}"
        ) from None
    if not isinstance(data, dict):
        raise DomainError("backup.manifest_invalid", f"{MANIFEST} 不是本平台的备份清单，{REFUSED}")
    return data


def backup_check(*, source: Path) -> dict[str, Any]:
    """Everything that can be checked without restoring: the manifest's signature, then the
    size and SHA-256 of each file it lists. Returns the manifest; raises DomainError."""
    manifest = _manifest_read(source)
    key = backup_key()
    signature = manifest.get("signature")
    if manifest.get("format") != FORMAT or not isinstance(signature, str):
        raise DomainError(
            "backup.unsigned",
            f"{MANIFEST} 没有签名（旧版本生成或被改写）：无法确认备份未被改动，{REFUSED}",
        )
    theirs, ours = str(manifest.get("key_fingerprint")), key_fingerprint(key)
    if theirs != ours:
        shown = theirs if re.fullmatch(r"[0-9a-f]{16}", theirs) else "未知"
        raise DomainError(
            "backup.wrong_key",
            f"备份清单由另一把密钥签名（备份的密钥指纹 {shown}，当前 {ours}）：请设置生成该备份时的"
            f" {KEY_SETTING}；{REFUSED}",
        )
    if not hmac.compare_digest(signature, manifest_signature(manifest, key=key)):
        raise DomainError(
            "backup.signature_invalid",
            f"{MANIFEST} 的签名不符：备份清单在备份之后被改动，{REFUSED}",
        )
    if manifest["vendor"] != connection.vendor:
        raise DomainError(
            "backup.vendor_mismatch",
            f"备份来自 {manifest['vendor']} 数据库，当前数据库为 {connection.vendor}",
        )
    for name, expected in sorted(manifest["artifacts"].items()):
        path = source / name
        if not path.is_file():
            raise DomainError(
                "backup.file_missing", f"备份缺少 {name}（签名清单记录了此文件），{REFUSED}"
            )
        size = path.stat().st_size
        if size != expected["bytes"]:
            raise DomainError(
                "backup.hash_mismatch",
                f"{name} 的大小与签名清单不符（应为 {expected['bytes']} 字节，实为 {size} 字节）："
                f"文件被截断或改动，{REFUSED}",
            )
        if sha256_file(path) != expected["sha256"]:
            raise DomainError(
                "backup.hash_mismatch",
                f"{name} 的 SHA-256 与签名清单不符：文件在备份之后被改动或已损坏，{REFUSED}",
            )
    return manifest
