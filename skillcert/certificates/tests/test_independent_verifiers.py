"""Credentials and status lists, exported as a relying party gets them, checked by verifiers
nobody here wrote (tools/verifiers: Digital Bazaar's VC stack and the 1EdTech Open Badges 3.0
JSON Schema), run with node, offline."""

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.keys import issuer_did
from skillcert.certificates.selectors import (
    achievement_credential,
    issuer_document,
    status_list_credential,
)
from skillcert.certificates.services import (
    Holder,
    certificate_issue_for,
    certificate_reissue,
    certificate_revoke,
)
from skillcert.plans.tests.factories import file_org, make_candidate

pytestmark = pytest.mark.verifiers

SYSTEM_TEST = SystemActor("test")
VERIFIERS = Path(settings.BASE_DIR) / "tools" / "verifiers"


def _run_verifiers(export: Path) -> dict:
    node = shutil.which("node")
    assert node is not None, "未找到 node：独立核验需要 Node.js 18 或更高版本"
    assert (VERIFIERS / "node_modules" / "@digitalbazaar" / "vc").is_dir(), (
        "tools/verifiers 的依赖未安装：请先运行 make verifiers"
    )
    done = subprocess.run(
        [node, str(VERIFIERS / "verify.mjs"), str(export), timezone.now().isoformat()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _write(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def test_independent_verifiers_accept_valid_and_report_revoked_superseded_and_tampered(
    personas, hr, special, tmp_path
):
    file_org(personas.org_a, [hr], (3,))
    # a 专项职业能力证书: no level in its achievement, the same VC / OB 3.0 shape
    special_ability = certificate_issue_for(
        organization=personas.org_a,
        holder=Holder(make_candidate(5), special, "", None),
        actor=SYSTEM_TEST,
    )
    valid, tampered, revoked, replaced = (
        certificate_issue_for(
            organization=personas.org_a,
            holder=Holder(make_candidate(n), hr, "", 3),
            actor=SYSTEM_TEST,
        )
        for n in (1, 2, 3, 4)
    )
    credentials = tmp_path / "credentials"
    _write(credentials / "valid.json", achievement_credential(valid))
    _write(credentials / "special.json", achievement_credential(special_ability))
    forged = copy.deepcopy(achievement_credential(tampered))
    forged["credentialSubject"]["name"] = "冒名者"
    _write(credentials / "tampered.json", forged)
    # the holder downloaded these while they were valid
    _write(credentials / "revoked.json", achievement_credential(revoked))
    _write(credentials / "superseded.json", achievement_credential(replaced))
    certificate_revoke(
        certificate=revoked, reason="考核舞弊", document_no="人社撤〔2025〕1号", actor=SYSTEM_TEST
    )
    reissued = certificate_reissue(certificate=replaced, reason="遗失补发", actor=SYSTEM_TEST)
    _write(credentials / "reissued.json", achievement_credential(reissued))
    documents = tmp_path / "documents"
    _write(documents / "issuer.json", issuer_document())
    lists = {c.status_list for c in (valid, tampered, revoked, replaced, reissued, special_ability)}
    for number in lists:
        status_list = status_list_credential(number)
        assert status_list is not None
        _write(documents / f"status-{number}.json", status_list)

    report = _run_verifiers(tmp_path)

    results = report["credentials"]
    for name in ("valid.json", "reissued.json", "special.json"):
        result = results[name]
        assert result["valid"] and result["verified"], json.dumps(result, ensure_ascii=False)
        assert result["schemaValid"], (name, result["schemaErrors"])
        assert result["proofs"][0]["controller"] == issuer_did()
        assert not result["revoked"]
    assert results["tampered.json"]["proofVerified"] is False
    assert results["tampered.json"]["valid"] is False
    for name in ("revoked.json", "superseded.json"):
        result = results[name]
        assert result["proofVerified"] is True, (name, result)
        assert result["statusVerified"] is True, (name, result)
        assert result["revoked"] is True and result["valid"] is False
        assert result["schemaValid"], (name, result["schemaErrors"])
    assert set(report["statusLists"]) == {f"status-{n}.json" for n in lists}
    for result in report["statusLists"].values():
        assert result == {
            "verified": True,
            "purpose": "revocation",
            "length": 131_072,
            "errors": [],
        }
