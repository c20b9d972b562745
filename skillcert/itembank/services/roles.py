"""Item-bank roles: commissioning people as question setters, reviewers and managers of one
occupation in one bank."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from skillcert.accounts.actors import Actor
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError
from skillcert.itembank.models import ItemBank, ItemBankRole, ItemBankRoleKind
from skillcert.itembank.permits import BankAction, bank_may, scope_forget
from skillcert.itembank.services._guards import forbidden
from skillcert.organizations.permits import organization_permit_check
from skillcert.personnel.selectors import person_of
from skillcert.personnel.services.roles import question_setter_require

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.occupations.models import Occupation


def _province_code(bank: ItemBank) -> str:
    if bank.organization is not None:
        return f"{bank.organization.region_id[:2]}0000"
    return str(bank.province_id)


def itembank_role_grant(
    *, user: User, occupation: Occupation, role: str, actor: Actor, bank: ItemBank | None = None
) -> ItemBankRole:
    """Commission `user` in `bank` (by default the province's unified bank) for one
    occupation; the actor must manage that bank and occupation (a trusted system actor
    manages every bank). An organisation's own bank takes new roles only while its standing
    lets it appoint personnel. A question setter (命题人员) meets the rule the province's
    appointment meets (personnel's `question_setter_require`: appointed for the occupation,
    seed 001 §三's conditions and the confidentiality agreement with the bank's owner)."""
    if role not in ItemBankRoleKind.values:
        raise DomainError("itembank.role_invalid", f"未知题库角色 {role!r}", field="role")
    with transaction.atomic():
        bank = bank or ItemBank.objects.for_province()
        if not bank_may(actor, bank, BankAction.MANAGE, occupation_id=occupation.pk):
            raise forbidden("只有该题库该职业的题库管理员可以授予题库角色")
        day = timezone.localdate()
        if bank.organization is not None:
            organization_permit_check(org=bank.organization, action="itembank_role", day=day)
        if role == ItemBankRoleKind.SETTER:
            question_setter_require(
                person=person_of(user),
                occupation=occupation,
                province_code=_province_code(bank),
                on=day,
                organization=bank.organization,
            )
        row, created = ItemBankRole.objects.get_or_create(
            user=user, bank=bank, occupation=occupation, role=role, defaults={"active": True}
        )
        if not created and not row.active:
            row.active = True
            row.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="itembank.role_grant",
            obj=row,
            changes={"user": user.pk, "bank": bank.pk, "occupation": occupation.code, "role": role},
        )
    scope_forget(user)
    return row


def itembank_role_revoke(*, role: ItemBankRole, actor: Actor) -> None:
    if not bank_may(actor, role.bank, BankAction.MANAGE, occupation_id=role.occupation_id):
        raise forbidden("只有该题库该职业的题库管理员可以撤销题库角色")
    with transaction.atomic():
        ItemBankRole.objects.filter(pk=role.pk).update(active=False)
        audit_record(actor=actor, action="itembank.role_revoke", obj=role)
    scope_forget(role.user)
