"""Submitting and approving a chosen list of items at once: the checks of the one-item forms on
every row, all or nothing, one audit event committing to every row; and the API routes."""

from __future__ import annotations

import hashlib
import json

import pytest

from skillcert.audit.models import AuditEvent
from skillcert.audit.services import audit_verify
from skillcert.common.errors import DomainError
from skillcert.itembank.excel import items_to_xlsx, parse_items_xlsx
from skillcert.itembank.models import Item, ItemStatus
from skillcert.itembank.services import items_approve_bulk, items_import, items_submit_bulk


def _drafts(bank, count=3, **kw):
    return [bank.choice(n, **kw) for n in range(count)]


def _statuses(items):
    return sorted(
        Item.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True)
    )


def _rows_hash(rows):
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_setter_submits_and_reviewer_approves_a_batch_with_one_event_each(bank):
    items = _drafts(bank)
    ids = [i.pk for i in items]
    moved = items_submit_bulk(item_ids=reversed(ids), reviewer=bank.reviewer, actor=bank.setter)
    assert [i.pk for i in moved] == sorted(ids)
    assert set(Item.objects.filter(pk__in=ids).values_list("reviewer_id", flat=True)) == {
        bank.reviewer.pk
    }
    items_approve_bulk(item_ids=ids, actor=bank.reviewer)
    assert _statuses(items) == [ItemStatus.ACTIVE] * 3
    submit = AuditEvent.objects.get(action="item.submit_bulk")
    approve = AuditEvent.objects.get(action="item.approve_bulk")
    assert not AuditEvent.objects.filter(action__in=["item.submit", "item.approve"]).exists()
    for event, status in ((submit, ["draft", "in_review"]), (approve, ["in_review", "active"])):
        rows = event.changes["rows"]
        assert [r["item"] for r in rows] == sorted(ids)
        assert all(r["status"] == status for r in rows)
        assert event.changes["count"] == 3
        assert event.changes["rows_sha256"] == _rows_hash(rows)
        assert "机密题干" not in str(event.changes)
    assert audit_verify()[1] is None


def test_one_refused_row_leaves_every_item_unchanged(bank):
    items = _drafts(bank)
    other = bank.choice(9, actor=bank.setter2)  # not the setter's own draft
    with pytest.raises(DomainError) as caught:
        items_submit_bulk(
            item_ids=[*(i.pk for i in items), other.pk], reviewer=bank.reviewer, actor=bank.setter
        )
    assert caught.value.code == "itembank.forbidden" and other.code in caught.value.message
    assert _statuses([*items, other]) == [ItemStatus.DRAFT] * 4
    assert not AuditEvent.objects.filter(action="item.submit_bulk").exists()


@pytest.mark.parametrize(
    ("who", "code"),
    [("setter", "item.reviewer_is_author"), ("manager", "item.reviewer_role")],
)
def test_submit_refuses_a_reviewer_who_may_not_review(bank, who, code):
    items = _drafts(bank, 2)
    reviewer = bank.setter if who == "setter" else bank.manager
    with pytest.raises(DomainError) as caught:
        items_submit_bulk(item_ids=[i.pk for i in items], reviewer=reviewer, actor=bank.setter)
    assert caught.value.code == code and caught.value.field == "reviewer"
    assert _statuses(items) == [ItemStatus.DRAFT] * 2


def test_approve_refuses_items_not_in_review_naming_the_item(bank):
    items = _drafts(bank, 2)
    items_submit_bulk(item_ids=[items[0].pk], reviewer=bank.reviewer, actor=bank.setter)
    with pytest.raises(DomainError) as caught:
        items_approve_bulk(item_ids=[i.pk for i in items], actor=bank.manager)
    assert caught.value.code == "item.bulk_wrong_status" and items[1].code in caught.value.message
    assert _statuses(items) == [ItemStatus.DRAFT, ItemStatus.IN_REVIEW]


def test_approve_refuses_the_author_and_other_reviewers(bank):
    items = _drafts(bank, 2)
    items_submit_bulk(item_ids=[i.pk for i in items], reviewer=bank.reviewer, actor=bank.setter)
    for actor in (bank.setter, bank.setter2, bank.outsider_manager):
        with pytest.raises(DomainError) as caught:
            items_approve_bulk(item_ids=[i.pk for i in items], actor=actor)
        assert caught.value.code == "itembank.forbidden"
    assert _statuses(items) == [ItemStatus.IN_REVIEW] * 2


@pytest.mark.parametrize(("ids", "code"), [([], "item.bulk_empty"), ([10**9], "item.bulk_unknown")])
def test_bad_lists_are_refused(bank, ids, code):
    with pytest.raises(DomainError) as caught:
        items_approve_bulk(item_ids=ids, actor=bank.manager)
    assert caught.value.code == code and caught.value.field == "item_ids"


def test_import_event_commits_to_every_new_item(bank):
    rows = [
        {
            "code": f"X{n:03d}",
            "level": 3,
            "element": "A-01",
            "item_type": "true_false",
            "content": {"stem": f"机密判断{n}", "key": True},
            "score": 2,
            "difficulty": 0.5,
            "enemy_group": "",
        }
        for n in range(3)
    ]
    parsed = parse_items_xlsx(items_to_xlsx(rows))
    report = items_import(occupation=bank.occupation, parsed=parsed, actor=bank.setter)
    assert report.created == 3 and not report.errors
    event = AuditEvent.objects.get(action="item.import")
    assert [r["code"] for r in event.changes["rows"]] == ["X000", "X001", "X002"]
    assert event.changes["rows_sha256"] == _rows_hash(event.changes["rows"])
    assert "机密判断" not in str(event.changes)


# --- the API routes --------------------------------------------------------------------------


def _post(client, path, payload):
    return client.post(
        f"/api/v1/itembank/items/bulk/{path}", data=payload, content_type="application/json"
    )


def test_api_submits_and_approves_a_batch(bank, personas):
    items = _drafts(bank, 2)
    ids = [i.pk for i in items]
    setter = personas.client_for(bank.setter)
    response = _post(setter, "submit", {"item_ids": ids, "reviewer_id": bank.reviewer.pk})
    assert response.status_code == 200, response.content
    assert response.json() == {"moved": 2, "codes": [i.code for i in items]}
    reviewer = personas.client_for(bank.reviewer)
    response = _post(reviewer, "approve", {"item_ids": ids})
    assert response.status_code == 200, response.content
    assert _statuses(items) == [ItemStatus.ACTIVE] * 2


def test_api_hides_items_the_caller_does_not_see_and_reports_refusals(bank, personas):
    items = _drafts(bank, 2)
    ids = [i.pk for i in items]
    outsider = personas.client_for(bank.outsider_manager)
    assert _post(outsider, "approve", {"item_ids": ids}).status_code == 404
    setter = personas.client_for(bank.setter)
    response = _post(setter, "submit", {"item_ids": ids, "reviewer_id": bank.manager.pk})
    assert response.status_code == 400 and response.json()["code"] == "item.reviewer_role"
    response = _post(setter, "submit", {"item_ids": ids, "reviewer_id": 10**9})
    assert response.status_code == 400 and response.json()["code"] == "item.reviewer_role"
    assert _statuses(items) == [ItemStatus.DRAFT] * 2
