import pytest

from skillcert.config.env import ConfigurationError, database_config, env_bool, secret_key


def test_unknown_database_scheme_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigurationError) as err:
        database_config("mysql://root@localhost/x", sqlite_default=tmp_path / "db.sqlite3")
    assert "mysql" in str(err.value)
    assert "DATABASE_URL" in str(err.value)


def test_sqlite_default_uses_wal_and_immediate_transactions(tmp_path):
    config = database_config(None, sqlite_default=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_is_parsed(tmp_path):
    config = database_config(
        "postgres://postgres@127.0.0.1:5432/skillcert", sqlite_default=tmp_path / "x"
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "skillcert"


def test_production_requires_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="生产环境必须设置 SECRET_KEY"):
        secret_key(production=True, var_dir=tmp_path)


def test_local_secret_key_is_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(production=False, var_dir=tmp_path)
    assert len(first) > 50
    assert secret_key(production=False, var_dir=tmp_path) == first


def test_bad_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="X_FLAG='maybe' 不是布尔值"):
        env_bool("X_FLAG", False)


def test_unknown_scheme_stops_django_start_up(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={
            "DATABASE_URL": "oracle://x/y",
            "SKILLCERT_VAR_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    "files",
    [
        {},
        {
            "SKILLCERT_S3_BUCKET": "skillcert-files",
            "SKILLCERT_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "SKILLCERT_S3_ACCESS_KEY": "minio",
            "SKILLCERT_S3_SECRET_KEY": "minio-secret",
            "SKILLCERT_S3_ADDRESSING_STYLE": "path",
        },
    ],
    ids=["local-disk", "s3-bucket"],
)
def test_production_settings_pass_check_deploy(tmp_path, files):
    import subprocess
    import sys

    env = {
        "SKILLCERT_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "skillcert.example.cn",
        "SKILLCERT_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        **files,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
