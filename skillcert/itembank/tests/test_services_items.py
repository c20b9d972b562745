from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from skillcert.accounts.actors import SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.itembank import vault
from skillcert.itembank.models import Item, ItemAccessLog, ItemStatus, ItemVersion
from skillcert.itembank.selectors import bank_scope, items_visible
from skillcert.itembank.services import (
    item_approve,
    item_contents_read,
    item_create,
    item_retire,
    item_return,
    item_statistics_update,
    item_submit,
    item_update,
    items_rekey,
)


def test_setter_creates_a_draft_with_first_version_and_audit(bank):
    item = bank.choice(1)
    assert item.status == ItemStatus.DRAFT and item.author == bank.setter
    assert item.content["key"] == "B" and item.content["options"][1] == {"label": "B", "text": "乙"}
    assert ItemVersion.objects.filter(item=item, version=1).count() == 1
    event = AuditEvent.objects.get(action="item.create")
    assert "机密题干" not in str(event.changes) and "机密题干" not in event.object_repr


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"content": {"stem": "", "options": ["a", "b"], "key": "A"}}, "item.content_missing"),
        ({"content": {"stem": "s", "options": ["a"], "key": "A"}}, "item.options_count"),
        ({"content": {"stem": "s", "options": ["a", "b"], "key": "C"}}, "item.key_invalid"),
        ({"content": {"stem": "s", "options": ["a", "b"], "key": "AB"}}, "item.key_invalid"),
        ({"item_type": "essay"}, "item.type_invalid"),
        ({"difficulty": 1.2}, "item.value_range"),
        ({"score": 0}, "item.value_range"),
        ({"code": "bad code"}, "item.code_invalid"),
    ],
)
def test_rejects_bad_items_and_writes_nothing(bank, kw, code):
    with pytest.raises(DomainError) as caught:
        bank.choice(1, **kw)
    assert caught.value.code == code
    assert not Item.objects.exists() and not ItemVersion.objects.exists()


def test_rejects_element_of_another_level_or_occupation(bank):
    with pytest.raises(DomainError) as caught:
        bank.choice(1, element=bank.elements["B-01"])  # B-01 applies to levels 2 and 1 only
    assert caught.value.code == "item.element_level"
    with pytest.raises(DomainError) as caught:
        bank.choice(1, occupation=bank.other_occupation, actor=bank.outsider_manager)
    assert caught.value.code == "item.element_foreign"


def test_people_without_setter_role_cannot_create(bank, personas):
    for outsider in (bank.reviewer, personas.city_nanjing, personas.clerk_a, personas.examiner):
        with pytest.raises(DomainError) as caught:
            bank.choice(1, actor=outsider)
        assert caught.value.code == "itembank.forbidden"
    assert not Item.objects.exists()


def test_duplicate_code_is_refused(bank):
    bank.choice(1)
    with pytest.raises(DomainError) as caught:
        bank.choice(1)
    assert caught.value.code == "item.code_taken"


def test_other_item_types_validate_their_keys(bank):
    tf = bank.choice(2, item_type="true_false", content={"stem": "对吗", "key": "错误"})
    assert tf.content["key"] is False
    multi = bank.choice(
        3,
        item_type="multiple",
        content={"stem": "选", "options": ["a", "b", "c"], "key": ["C", "A"]},
    )
    assert multi.content["key"] == ["A", "C"]
    subj = bank.choice(
        4,
        item_type="subjective",
        score=10,
        content={"stem": "论述", "answer": "要点", "scheme": "每点2分"},
    )
    assert subj.content["scheme"] == "每点2分"
    prac = bank.choice(
        5,
        item_type="practical",
        score=20,
        content={
            "stem": "操作",
            "sheet": [{"item": "步骤一", "score": 12}, {"item": "步骤二", "score": 8}],
        },
    )
    assert len(prac.content["sheet"]) == 2
    with pytest.raises(DomainError) as caught:
        bank.choice(
            6,
            item_type="practical",
            score=20,
            content={"stem": "操作", "sheet": [{"item": "步骤一", "score": 12}]},
        )
    assert caught.value.code == "item.sheet_total"
    with pytest.raises(DomainError) as caught:
        bank.choice(
            7, item_type="multiple", content={"stem": "选", "options": ["a", "b"], "key": "A"}
        )
    assert caught.value.code == "item.key_invalid"


def test_lifecycle_through_named_transitions_keeps_versions(bank):
    item = bank.choice(1)
    item = item_update(
        item=item,
        actor=bank.setter,
        difficulty=0.7,
        content={"stem": "新题干", "options": ["甲", "乙"], "key": "A"},
    )
    assert item.version == 2
    item_submit(item=item, reviewer=bank.reviewer, actor=bank.setter)
    item = item_return(item=item, reason="选项太少", actor=bank.reviewer)
    assert item.status == ItemStatus.DRAFT
    item_submit(item=item, reviewer=bank.reviewer, actor=bank.setter)
    item = item_approve(item=item, actor=bank.reviewer)
    assert item.status == ItemStatus.ACTIVE
    with pytest.raises(DomainError) as caught:
        item_update(item=item, actor=bank.setter, difficulty=0.1)
    assert caught.value.code == "item.not_draft"
    item = item_retire(item=item, reason="过时", actor=bank.manager)
    assert item.status == ItemStatus.RETIRED
    with pytest.raises(DomainError) as caught:
        item_approve(item=item, actor=bank.manager)
    assert caught.value.code == "status.transition_not_allowed"
    versions = list(item.versions.order_by("version").values_list("version", "difficulty"))
    assert versions == [(1, 0.5), (2, 0.7)]
    actions = list(
        AuditEvent.objects.filter(object_id=str(item.pk), object_type="itembank.item")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "item.create",
        "item.update",
        "item.submit",
        "item.return",
        "item.submit",
        "item.approve",
        "item.retire",
    ]


def test_review_rules(bank):
    item = bank.choice(1)
    with pytest.raises(DomainError) as caught:
        item_submit(item=item, reviewer=bank.setter2, actor=bank.setter)
    assert caught.value.code == "item.reviewer_role"
    with pytest.raises(DomainError) as caught:
        item_submit(item=item, reviewer=bank.setter, actor=bank.setter)
    assert caught.value.code == "item.reviewer_is_author"
    with pytest.raises(DomainError) as caught:
        item_approve(item=item, actor=bank.reviewer)  # not assigned to them (yet)
    assert caught.value.code == "itembank.forbidden"
    with pytest.raises(DomainError) as caught:
        item_approve(item=item, actor=bank.manager)  # still a draft
    assert caught.value.code == "status.transition_not_allowed"
    item_submit(item=item, reviewer=bank.reviewer, actor=bank.setter)
    with pytest.raises(DomainError) as caught:
        item_approve(item=item, actor=bank.setter2)
    assert caught.value.code == "itembank.forbidden"
    with pytest.raises(DomainError) as caught:
        item_return(item=item, reason=" ", actor=bank.reviewer)
    assert caught.value.code == "item.reason_required"
    with pytest.raises(DomainError) as caught:
        item_retire(item=Item.objects.get(pk=item.pk), reason="x", actor=bank.reviewer)
    assert caught.value.code == "itembank.forbidden"


def test_visibility_setter_own_drafts_reviewer_assigned_manager_occupation_officer_bank(
    bank, personas
):
    mine = bank.choice(1)
    theirs = bank.choice(2, actor=bank.setter2)
    submitted = bank.choice(3)
    item_submit(item=submitted, reviewer=bank.reviewer, actor=bank.setter)

    def visible(user):
        return set(items_visible(scope=bank_scope(user)).values_list("code", flat=True))

    assert visible(bank.setter) == {mine.code}
    assert visible(bank.setter2) == {theirs.code}
    assert visible(bank.reviewer) == {submitted.code}
    assert visible(bank.manager) == {mine.code, theirs.code, submitted.code}
    assert visible(bank.outsider_manager) == set()
    # the province officer manages the province's unified bank, city officers see nothing
    assert visible(personas.province) == {mine.code, theirs.code, submitted.code}
    assert visible(personas.city_nanjing) == set()
    assert visible(personas.superuser) == {mine.code, theirs.code, submitted.code}


def test_content_reads_are_logged_in_bulk(bank):
    items = [bank.choice(n) for n in range(3)]
    contents = item_contents_read(items=items, actor=bank.manager, purpose="view")
    assert contents[items[0].pk]["stem"] == "机密题干0"
    logs = ItemAccessLog.objects.order_by("item_id")
    assert [(log.item_id, log.user_id, log.purpose) for log in logs] == [
        (it.pk, bank.manager.pk, "view") for it in items
    ]
    with pytest.raises(DomainError) as exc:
        item_contents_read(items=items, actor=bank.manager, purpose="gossip")
    assert exc.value.code == "itembank.purpose_invalid"


def test_statistics_update_from_item_analysis(bank):
    item = bank.active(1)
    item = item_statistics_update(
        item=item, difficulty=0.42, discrimination=0.31, actor=bank.manager
    )
    assert (item.difficulty, item.discrimination) == (0.42, 0.31)
    with pytest.raises(DomainError) as caught:
        item_statistics_update(item=item, difficulty=0.4, discrimination=1.5, actor=bank.manager)
    assert caught.value.code == "item.value_range"
    assert caught.value.field == "discrimination"


@override_settings(ITEMBANK_ENCRYPT_AT_REST=True)
def test_content_is_encrypted_at_rest_and_rekey_keeps_it_readable(bank):
    item = bank.choice(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM itembank_item WHERE id = %s", [item.pk])
        stored = cursor.fetchone()[0]
    assert vault.is_encrypted(stored) and "机密" not in stored
    assert Item.objects.get(pk=item.pk).content["stem"] == "机密题干1"
    assert items_rekey(actor=SystemActor("test")) == 2  # the item and its first version


@override_settings(ITEMBANK_ENCRYPT_AT_REST=False)
def test_rekey_refuses_without_encryption(bank, monkeypatch):
    monkeypatch.delenv(vault.ENV, raising=False)
    with pytest.raises(DomainError) as caught:
        items_rekey(actor=SystemActor("test"))
    assert caught.value.code == "itembank.encryption_off"


def test_no_item_text_reaches_the_logs(bank, caplog):
    caplog.set_level(logging.DEBUG)
    item = bank.choice(1)
    item_submit(item=item, reviewer=bank.reviewer, actor=bank.setter)
    item_approve(item=item, actor=bank.reviewer)
    item_contents_read(items=[item], actor=bank.manager)
    assert "机密题干" not in caplog.text
    assert "机密题干" not in str(item)


def test_create_via_service_refuses_anonymous_actor(bank):
    with pytest.raises(DomainError) as caught:
        item_create(
            occupation=bank.occupation,
            level=3,
            element=bank.elements["A-01"],
            item_type="single",
            content={},
            score=1,
            actor=SystemActor("x"),
        )
    assert caught.value.code == "itembank.forbidden"


@override_settings(ITEMBANK_ENCRYPT_AT_REST=True)
def test_rekey_command_reencrypts_and_reports_the_rows(bank):
    bank.choice(1)
    out = io.StringIO()
    call_command("itembank", "rekey", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"rows": 2}
    assert AuditEvent.objects.filter(
        action="itembank.rekey", actor_ref="system:command:itembank"
    ).exists()


@override_settings(ITEMBANK_ENCRYPT_AT_REST=False)
def test_rekey_command_without_encryption_exits_2_and_says_why(bank, monkeypatch):
    monkeypatch.delenv(vault.ENV, raising=False)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("itembank", "rekey", stderr=err)
    assert exit_.value.code == 2 and "未启用题库加密" in err.getvalue()
    assert not AuditEvent.objects.filter(action="itembank.rekey").exists()
