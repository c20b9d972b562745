"""Settings read from the environment; a bad value stops start-up with a message that says why."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url


class ConfigurationError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigurationError(f"环境变量 {name} 未设置 (required setting {name} is missing)")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"环境变量 {name}={value!r} 不是布尔值 (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"环境变量 {name}={value!r} 不是整数") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SUPPORTED_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def database_config(url: str | None, *, sqlite_default: Path) -> dict[str, Any]:
    """Parse DATABASE_URL; SQLite runs in WAL with IMMEDIATE transactions so writers queue
    instead of failing with 'database is locked' halfway through a transaction."""
    if not url:
        url = f"sqlite:///{sqlite_default}"
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SUPPORTED_SCHEMES:
        raise ConfigurationError(
            f"DATABASE_URL 的协议 {scheme or '(空)'!r} 不受支持；"
            f"请使用 sqlite:///路径 或 postgres://用户@主机:端口/库名"
        )
    # Connections persist per worker thread (60 s): for SQLite a new connection re-reads the
    # schema and starts with a cold page cache, which doubled the cost of a public
    # verification request (bench/load.py).
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        }
    else:
        config.setdefault("TEST", {})
    return config


def secret_key(*, production: bool, var_dir: Path) -> str:
    """In production SECRET_KEY must come from the environment; locally it is generated
    once into var/ so sessions survive restarts."""
    value = os.environ.get("SECRET_KEY")
    if value:
        if production and len(value) < 50:
            raise ConfigurationError("SECRET_KEY 太短：生产环境至少 50 个字符")
        return value
    if production:
        raise ConfigurationError("生产环境必须设置 SECRET_KEY")
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def file_storage_config() -> dict[str, Any]:
    """Where uploaded and generated files live (STORAGES["default"]). With
    SKILLCERT_S3_BUCKET set: an S3-compatible bucket (AWS, MinIO, Aliyun OSS, Tencent COS,
    Huawei OBS), objects private and handed out only through short-lived signed URLs, so
    several app servers and workers on other hosts share the same files. Without it: the
    local disk under MEDIA_ROOT (one host)."""
    bucket = os.environ.get("SKILLCERT_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    access_key = os.environ.get("SKILLCERT_S3_ACCESS_KEY", "")
    secret = os.environ.get("SKILLCERT_S3_SECRET_KEY", "")
    if bool(access_key) != bool(secret):
        raise ConfigurationError(
            "SKILLCERT_S3_ACCESS_KEY 与 SKILLCERT_S3_SECRET_KEY 须同时设置"
            "（或都不设置，使用实例角色等默认凭据）"
        )
    addressing = os.environ.get("SKILLCERT_S3_ADDRESSING_STYLE", "")
    if addressing not in {"", "path", "virtual", "auto"}:
        raise ConfigurationError(
            f"SKILLCERT_S3_ADDRESSING_STYLE={addressing!r} 无效：应为 path、virtual 或 auto"
        )
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("SKILLCERT_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("SKILLCERT_S3_REGION") or None,
        "access_key": access_key or None,
        "secret_key": secret or None,
        "location": os.environ.get("SKILLCERT_S3_PREFIX", "").strip("/"),
        # Candidate photos and ID scans: never public, never a guessable URL.
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": env_int("SKILLCERT_S3_URL_SECONDS", 300),
        "file_overwrite": False,
        "signature_version": "s3v4",
        "addressing_style": addressing or None,
    }
    if env_bool("SKILLCERT_S3_ENCRYPT", False):
        options["object_parameters"] = {"ServerSideEncryption": "AES256"}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
