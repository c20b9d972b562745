"""The province's personnel policy (registration window, card validity, rotation limit)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.common.policies import policy_in_force
from skillcert.personnel.models import (
    ProvincePolicy,
)

if TYPE_CHECKING:
    pass

# --- policy ---------------------------------------------------------------------------------


def policy_for(*, province_code: str, on: dt.date | None = None) -> ProvincePolicy:
    """The version of the province's personnel policy in force on `on` (today by default)."""
    policy = policy_in_force(ProvincePolicy, province=province_code, on=on or timezone.localdate())
    if policy is None:
        raise DomainError(
            "personnel.policy_missing",
            f"省份 {province_code[:2]} 尚未设置考评人员管理参数（报名期限、证卡有效期等），"
            "请省级人社部门先在系统管理中录入",
            field="province",
        )
    return policy
