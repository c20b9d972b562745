"""Examiners in the item bank see only what is assigned to them, and never an item's answer
once it is in use; rows written without a bank belong to the province's. (Split from
test_owner_separation, whose tests all share one set-up of both banks.)"""

from __future__ import annotations

from typing import Any, cast

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.itembank.models import Item, ItemBank, ItemBankRoleKind
from skillcert.itembank.services import (
    item_approve,
    item_assign,
    item_assignment_revoke,
    item_submit,
    itembank_role_grant,
)
from skillcert.itembank.tests.test_owner_separation import _codes_in_export

# --- examiners: only what is assigned to them, never answers of items in use ---------------


def test_reviewing_examiner_loses_sight_of_an_item_once_it_is_in_use(bank, personas):
    examiner = personas.examiner
    itembank_role_grant(
        user=examiner,
        occupation=bank.occupation,
        role=ItemBankRoleKind.REVIEWER,
        actor=personas.province,
        bank=bank.item_bank,
    )
    item = bank.choice(1)
    item_submit(item=item, reviewer=examiner, actor=bank.setter)
    client = personas.client_for(examiner)
    in_review = client.get(f"/itembank/items/{item.pk}/")
    assert in_review.status_code == 200 and "机密题干1" in in_review.text

    item_approve(item=item, actor=examiner)
    assert client.get(f"/itembank/items/{item.pk}/").status_code == 404
    assert client.get(f"/api/v1/itembank/items/{item.pk}").status_code == 404
    assert client.get("/api/v1/itembank/items").json() == []
    assert item.code not in client.get("/itembank/").text
    assert _codes_in_export(client.get("/itembank/?export=xlsx")) == []


def test_examiner_reads_an_item_in_use_only_while_it_is_assigned(bank, personas):
    examiner = personas.examiner
    item = bank.active(1)
    other = bank.active(2)
    client = personas.client_for(examiner)
    assert client.get("/itembank/").status_code == 404
    assert client.get(f"/api/v1/itembank/items/{item.pk}").status_code == 404

    with pytest.raises(DomainError) as caught:  # only the bank's managers assign
        item_assign(item=item, user=examiner, reason="实操命题参考", actor=bank.setter)
    assert caught.value.code == "itembank.forbidden"
    response = personas.client_for(bank.manager).post(
        f"/itembank/items/{item.pk}/assign/",
        {"username": examiner.username, "reason": "实操命题参考"},
    )
    assert response.status_code == 302
    one = client.get(f"/api/v1/itembank/items/{item.pk}")
    assert one.status_code == 200 and one.json()["content"]["key"] == "B"
    assert client.get(f"/api/v1/itembank/items/{other.pk}").status_code == 404
    assert [row["code"] for row in client.get("/api/v1/itembank/items").json()] == [item.code]
    assert AuditEvent.objects.filter(action="item.assign", object_id=str(item.pk)).exists()
    # an assignment shows the item; it does not let the examiner take the bank out
    assert _codes_in_export(client.get("/itembank/?export=xlsx")) == []

    assignment = item.assignments.get(active=True)
    item_assignment_revoke(assignment=assignment, actor=bank.manager)
    examiner.__dict__.pop("_itembank_scope", None)
    assert personas.client_for(examiner).get(f"/itembank/items/{item.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="item.unassign", object_id=str(item.pk)).exists()


def test_rows_written_without_a_bank_belong_to_the_province(bank):
    item = Item.objects.create(
        occupation=bank.occupation,
        level=3,
        element=bank.elements["A-01"],
        code="ORM1",
        item_type="single",
        content=cast(Any, {"stem": "s", "options": ["甲", "乙"], "key": "A"}),
        score=1,
        author=bank.setter,
    )
    assert item.bank == ItemBank.objects.for_province() == bank.item_bank
    assert str(item.bank) == "江苏省统考题库"
