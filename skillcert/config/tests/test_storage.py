"""Files on S3-compatible object storage (django-storages), against moto's in-process S3:
the settings, a real service's file round trip, signed private URLs and /healthz."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto import mock_aws

from skillcert.config.env import ConfigurationError, file_storage_config
from skillcert.organizations.tests.conftest import PDF

BUCKET = "skillcert-files"


def test_without_a_bucket_files_stay_on_the_local_disk(monkeypatch):
    monkeypatch.delenv("SKILLCERT_S3_BUCKET", raising=False)
    assert file_storage_config() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_bucket_settings_give_private_signed_s3_storage(monkeypatch):
    monkeypatch.setenv("SKILLCERT_S3_BUCKET", BUCKET)
    monkeypatch.setenv("SKILLCERT_S3_ENDPOINT_URL", "https://oss-cn-hangzhou.aliyuncs.com")
    monkeypatch.setenv("SKILLCERT_S3_REGION", "cn-hangzhou")
    monkeypatch.setenv("SKILLCERT_S3_ACCESS_KEY", "AK")
    monkeypatch.setenv("SKILLCERT_S3_SECRET_KEY", "SK")
    monkeypatch.setenv("SKILLCERT_S3_ADDRESSING_STYLE", "virtual")
    config = file_storage_config()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["querystring_expire"] == 300 and options["file_overwrite"] is False


@pytest.mark.parametrize(
    ("name", "value"),
    [("SKILLCERT_S3_ACCESS_KEY", "AK"), ("SKILLCERT_S3_ADDRESSING_STYLE", "sideways")],
)
def test_half_configured_bucket_stops_start_up(monkeypatch, name, value):
    monkeypatch.setenv("SKILLCERT_S3_BUCKET", BUCKET)
    monkeypatch.delenv("SKILLCERT_S3_SECRET_KEY", raising=False)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as err:
        file_storage_config()
    assert "SKILLCERT_S3_" in str(err.value)


@pytest.fixture
def s3(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SKILLCERT_S3_BUCKET", BUCKET)
    monkeypatch.setenv("SKILLCERT_S3_REGION", "us-east-1")
    monkeypatch.setenv("SKILLCERT_S3_ACCESS_KEY", "testing")
    monkeypatch.setenv("SKILLCERT_S3_SECRET_KEY", "testing")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": file_storage_config()}
        yield client


def test_default_storage_is_the_bucket(s3):
    from django.core.files.storage import storages
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["default"], S3Storage)
    name = default_storage.save("probe/a.txt", SimpleUploadedFile("a.txt", b"x"))
    assert s3.get_object(Bucket=BUCKET, Key=name)["Body"].read() == b"x"


def test_uploaded_evidence_round_trips_through_the_bucket_privately(s3, personas):
    from skillcert.organizations.uploads import file_store

    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")
    row = file_store(org=personas.org_a, upload=upload, actor=personas.clerk_a)
    stored = s3.get_object(Bucket=BUCKET, Key=row.file.name)
    assert stored["Body"].read() == PDF
    grants = s3.get_object_acl(Bucket=BUCKET, Key=row.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only
    query = parse_qs(urlparse(row.file.url).query)
    assert "X-Amz-Signature" in query and query["X-Amz-Expires"] == ["300"]
    with row.file.open("rb") as handle:
        assert handle.read() == PDF


def test_roster_upload_is_read_back_from_the_bucket_by_the_worker(
    s3, plan, personas, django_capture_on_commit_callbacks
):
    from skillcert.applications.models import ImportStatus, RosterImport
    from skillcert.applications.services import roster_upload_create
    from skillcert.applications.tests.rosters import roster_bytes, valid_row
    from skillcert.plans.tests.factories import make_id

    content = roster_bytes([valid_row(make_id(1)), valid_row(make_id(2), 姓名="李四")])
    upload = SimpleUploadedFile("花名册.xlsx", content)
    with django_capture_on_commit_callbacks(execute=True):
        job = roster_upload_create(
            plan=plan, upload=upload, actor=personas.clerk_a, partial=False, dry_run=True
        )
    job = RosterImport.objects.get(pk=job.pk)
    assert s3.get_object(Bucket=BUCKET, Key=job.file.name)["Body"].read() == content
    assert job.status == ImportStatus.DONE and job.imported == 2


def test_healthz_writes_and_removes_a_file_in_the_bucket(s3, db):
    body = Client().get("/healthz").json()
    assert body["storage"] == "ok"
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_healthz_reports_a_missing_bucket(s3, db):
    s3.delete_bucket(Bucket=BUCKET)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "error"


@pytest.mark.django_db(transaction=True)  # SQLite's online backup waits for open transactions
def test_backup_records_the_bucket_instead_of_copying_files(s3, tmp_path):
    import json

    from skillcert.operations.backup import MANIFEST, backup_create

    result = backup_create(target=tmp_path / "backup")
    manifest = json.loads((result.path / MANIFEST).read_text())
    assert manifest["files"] == f"s3://{BUCKET}"
    assert not (result.path / "media.tar.gz").exists()
