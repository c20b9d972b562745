"""The audit log page reads in Chinese: actions, object kinds, changed fields and their
values by name; the codes stay in the export and the cells' titles."""

from __future__ import annotations

import re
from typing import Any

from skillcert.accounts.actors import SystemActor
from skillcert.audit.services import audit_record

CODE_AS_TEXT = re.compile(r">\s*([a-z_]+\.[a-z_.]+)\s*<")


def test_audit_log_names_actions_objects_and_changes_in_chinese(personas: Any) -> None:
    org = personas.org_a
    audit_record(
        actor=personas.clerk_a,
        action="roster.import",
        obj=org,
        changes={"status": ["unfiled", "filed"], "reason": [None, "补正材料"]},
    )
    audit_record(actor=SystemActor("demo"), action="plan.sampling_set", obj=org, changes={})
    html = personas.client_for(personas.province).get("/audit/").content.decode()
    assert "导入考生花名册" in html
    assert "设置抽样比例" in html
    assert "评价机构" in html  # the model's verbose name instead of organizations.evaluationorg
    assert "理由：— → 补正材料" in html
    assert "未备案 → 已备案" in html  # a status by its choice's name
    assert ">系统<" in html  # a process, not "system:demo"
    assert ">clerk_a<" in html
    # Codes only inside attributes (titles), never as a cell's text.
    assert CODE_AS_TEXT.findall(html) == []


def test_audit_log_searches_actions_by_their_chinese_name(personas: Any) -> None:
    audit_record(actor=personas.clerk_a, action="roster.import", obj=personas.org_a)
    audit_record(actor=personas.clerk_a, action="plan.sampling_set", obj=personas.org_a)
    client = personas.client_for(personas.province)
    html = client.get("/audit/", {"action": "花名册"}).content.decode()
    assert "导入考生花名册" in html
    assert "设置抽样比例" not in html
    html = client.get("/audit/", {"action": "plan."}).content.decode()  # a code prefix still works
    assert "设置抽样比例" in html
    assert "导入考生花名册" not in html


def test_audit_log_stays_closed_to_an_organisation_clerk(personas: Any) -> None:
    assert personas.client_for(personas.clerk_a).get("/audit/").status_code == 404
