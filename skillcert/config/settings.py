"""skillcert settings. Everything that differs between machines comes from the environment
(see env.py); SKILLCERT_ENV chooses the profile: `production`, `local` (make run) or `test`."""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF

from skillcert.config.env import (
    ConfigurationError,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    file_storage_config,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SKILLCERT_VAR_DIR", str(BASE_DIR / "var")))

_running_tests = "pytest" in sys.modules or os.environ.get("SKILLCERT_ENV") == "test"
SKILLCERT_ENV = env_str("SKILLCERT_ENV", "test" if _running_tests else "local")
if SKILLCERT_ENV not in {"production", "local", "test"}:
    raise ConfigurationError(
        f"SKILLCERT_ENV={SKILLCERT_ENV!r} 无效：应为 production、local 或 test 之一"
    )
PRODUCTION = SKILLCERT_ENV == "production"

DEBUG = env_bool("SKILLCERT_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigurationError("生产环境不得开启 SKILLCERT_DEBUG")

SECRET_KEY = secret_key(production=PRODUCTION, var_dir=VAR_DIR)
# The audit chain's HMAC key, kept outside the database (see docs/DEPLOYMENT.md).
AUDIT_CHAIN_KEY = (
    base64.b64decode(os.environ["SKILLCERT_AUDIT_KEY"])
    if os.environ.get("SKILLCERT_AUDIT_KEY")
    else hashlib.sha256(b"skillcert.audit.chain|" + SECRET_KEY.encode()).digest()
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("生产环境必须设置 ALLOWED_HOSTS（逗号分隔的域名）")

# The public base URL printed in QR codes and credentials (no trailing slash).
SKILLCERT_PUBLIC_URL = env_str("SKILLCERT_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# The province this installation serves (GB/T 2260 two-digit code); 32 = 江苏.
SKILLCERT_PROVINCE = env_str("SKILLCERT_PROVINCE", "32")
if not (len(SKILLCERT_PROVINCE) == 2 and SKILLCERT_PROVINCE.isdigit()):
    raise ConfigurationError(
        f"SKILLCERT_PROVINCE={SKILLCERT_PROVINCE!r} 无效：应为两位省级行政区划代码，如 32"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",
    # skillcert apps, in the order DOMAIN.md walks through the business
    "skillcert.common",
    "skillcert.regions",
    "skillcert.accounts",
    "skillcert.audit",
    "skillcert.workdays",
    "skillcert.operations",
    "skillcert.exams",
    "skillcert.certificates",
    "skillcert.organizations",
    "skillcert.occupations",
    "skillcert.eligibility",
    "skillcert.itembank",
    "skillcert.personnel",
    "skillcert.plans",
    "skillcert.candidates",
    "skillcert.applications",
    "skillcert.scoring",
    "skillcert.supervision",
    "skillcert.reporting",
    "skillcert.exchange",
    "skillcert.workbench",
]

MIDDLEWARE = [
    "skillcert.operations.metrics.MetricsMiddleware",
    "skillcert.common.middleware.LeanPublicPathsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "skillcert.common.middleware.RequestIdMiddleware",
    "skillcert.common.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "skillcert.accounts.middleware.OfficerSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Public read-only endpoints served by the short stack below (common.middleware
# .LeanPublicPathsMiddleware): no session, CSRF, authentication, messages or locale work, the
# same security headers. Every view under these prefixes must need none of those.
SKILLCERT_LEAN_PATHS = [
    "/v/",
    "/api/v1/certificates/verify",
    "/certificates/keys.json",
    "/certificates/issuer/did.json",
    "/certificates/status/",
]
SKILLCERT_LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "skillcert.common.middleware.RequestIdMiddleware",
    "skillcert.common.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "skillcert.common.middleware.StaticCSPMiddleware",
]

ROOT_URLCONF = "skillcert.config.urls"
WSGI_APPLICATION = "skillcert.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "skillcert" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "skillcert.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        os.environ.get("DATABASE_URL"), sqlite_default=VAR_DIR / "skillcert.sqlite3"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if SKILLCERT_ENV == "test":
    # Hashing dominates test time; the algorithm is not what the tests check.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: 5 failures lock the username for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by IP as well would lock out a whole government office behind one NAT address
# after five typos by anyone in it; per-IP throttling is done separately.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

OTP_TOTP_ISSUER = "skillcert"

SESSION_COOKIE_AGE = env_int("SKILLCERT_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "skillcert" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files hold personal data: readable by the service's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# HMAC key signing backup manifests (base64, at least 32 random bytes), kept outside backups.
SKILLCERT_BACKUP_KEY = os.environ.get("SKILLCERT_BACKUP_KEY", "")
STORAGES = {
    "default": file_storage_config(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if SKILLCERT_ENV == "test"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if SKILLCERT_ENV == "test":
    # WhiteNoise lists every file under STATIC_ROOT when a handler starts, and the test client
    # starts one per request: after a `make run` (collectstatic) that doubled the suite's time.
    # Tests look files up on demand, from the source folders.
    WHITENOISE_AUTOREFRESH = True
    WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if SKILLCERT_ENV == "test":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security headers. Cookies are marked secure in production (served behind TLS); `make run`
# serves plain HTTP on loopback, where a secure cookie would never come back.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SKILLCERT_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# Strict CSP: nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Reverse proxies whose X-Forwarded-For is believed (rate limits and logs then see the
# visitor, not the proxy). Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("SKILLCERT_TRUSTED_PROXIES", [])

# Redis (redis-py) when REDIS_URL is set: the default cache and the shared rate-limit counters.
REDIS_URL = os.environ.get("REDIS_URL", "")
RATE_LIMIT_CACHE_TABLE = "skillcert_rate_limits"
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Rate-limit counters must be shared by every worker process and host: Redis when
    # configured, otherwise a table in the database (created by a migration of `common`).
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": RATE_LIMIT_CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
        }
    ),
}
RATELIMIT_USE_CACHE = "ratelimit"
# Share of each allowance a process counts in memory before a visitor's hits go to the shared
# counters (common/throttle.py): most visitors then cost no write at all. 0 = every hit shared.
SKILLCERT_THROTTLE_LOCAL_PERCENT = env_int(
    "SKILLCERT_THROTTLE_LOCAL_PERCENT", 0 if SKILLCERT_ENV == "test" else 10
)
if not 0 <= SKILLCERT_THROTTLE_LOCAL_PERCENT <= 50:
    raise ConfigurationError("SKILLCERT_THROTTLE_LOCAL_PERCENT 应在 0 到 50 之间")
SKILLCERT_METRICS_TOKEN = os.environ.get("SKILLCERT_METRICS_TOKEN", "")
# /healthz writes a probe file at most this often per process (seconds); tests check each time.
SKILLCERT_HEALTH_STORAGE_EVERY = 0.0 if SKILLCERT_ENV == "test" else 30.0

LOG_FORMAT = env_str("SKILLCERT_LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ConfigurationError("SKILLCERT_LOG_FORMAT 应为 json 或 plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "skillcert.common.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("SKILLCERT_LOG_LEVEL", "WARNING")},
}
