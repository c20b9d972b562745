"""The vocabulary of accounts: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PROVINCE_OFFICER = "province_officer", "省级人社部门/鉴定中心"
    CITY_OFFICER = "city_officer", "市级人社部门"
    ORG_ADMIN = "org_admin", "评价机构管理员"
    ORG_CLERK = "org_clerk", "评价机构经办人"
    EXAMINER = "examiner", "考评员"
    SUPERVISOR = "supervisor", "质量督导员"
    CANDIDATE = "candidate", "考生"


OFFICER_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.CITY_OFFICER})


ORG_ROLES = frozenset({Role.ORG_ADMIN, Role.ORG_CLERK})


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "user": "账户",
    "role": "角色",
    "api_token": "接口令牌",
    "user.create": "创建账户",
    "user.create_bulk": "批量创建账户（名册）",
    "user.password_change": "修改密码",
    "user.totp_enrol": "绑定身份验证器",
    "user.totp_enrolment_issue": "签发验证器绑定码",
    "user.totp_enrolment_locked": "验证器绑定码错误次数过多被锁定",
    "user.totp_enrolment_redeem": "使用验证器绑定码",
    "role.grant": "授予角色",
    "role.revoke": "撤销角色",
    "api_token.create": "创建接口令牌",
    "api_token.revoke": "吊销接口令牌",
}
