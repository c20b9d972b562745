from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.common.identifiers import validate_uscc
from skillcert.organizations.models import EvaluationOrg, OrgKind
from skillcert.regions.models import Region


def organization_create(
    *, name: str, kind: str, uscc: str, region: Region, actor: Any
) -> EvaluationOrg:
    name = name.strip()
    if not name:
        raise DomainError("org.name_required", "请填写机构名称", field="name")
    if kind not in OrgKind.values:
        raise DomainError("org.kind_invalid", f"机构类型“{kind}”无效", field="kind")
    uscc = validate_uscc(uscc)
    try:
        with transaction.atomic():
            org = EvaluationOrg.objects.create(name=name, kind=kind, uscc=uscc, region=region)
            audit_record(
                actor=actor,
                action="org.create",
                obj=org,
                changes={
                    "name": [None, name],
                    "kind": [None, kind],
                    "uscc": [None, uscc],
                    "region": [None, region.code],
                },
            )
    except IntegrityError:
        raise DomainError(
            "org.uscc_taken", f"统一社会信用代码 {uscc} 已登记", field="uscc"
        ) from None
    return org
