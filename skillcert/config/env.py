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
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
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
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
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
