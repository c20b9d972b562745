import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillcert.audit.services import audit_record
from skillcert.organizations.models import EvaluationOrg

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_brings_back_deleted_rows_and_verifies(
    personas, tmp_path, settings, capsys
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "evidence.pdf").write_bytes(b"%PDF-1.4 test")
    audit_record(actor="system:test", action="test.before_backup")
    call_command("backup", "--output", str(tmp_path / "bk"))
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["row_counts"]["organizations_evaluationorg"] == 2

    EvaluationOrg.objects.filter(pk=personas.org_b.pk).update(name="改坏的名字")
    (tmp_path / "media" / "evidence.pdf").unlink()

    call_command("restore", str(tmp_path / "bk"), "--yes")
    assert "校验通过" in capsys.readouterr().out
    assert EvaluationOrg.objects.get(pk=personas.org_b.pk).name == "苏州乙评价公司"
    assert (tmp_path / "media" / "evidence.pdf").read_bytes() == b"%PDF-1.4 test"


def test_restore_reports_a_backup_whose_audit_chain_was_tampered(personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", "--output", str(tmp_path / "bk"))
    manifest_path = tmp_path / "bk" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["row_counts"]["organizations_evaluationorg"] = 99
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(SystemExit) as exit_info:
        call_command("restore", str(tmp_path / "bk"), "--yes")
    assert exit_info.value.code == 1


def test_restore_needs_confirmation_and_a_real_backup(db, tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path))
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("restore", str(tmp_path), "--yes")
