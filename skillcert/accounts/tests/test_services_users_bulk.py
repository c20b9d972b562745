"""`users_create_bulk`: accounts from a roster in one call, without a usable password, with
one audit event that commits to every row."""

import hashlib
import json

import pytest

from skillcert.accounts.actors import SIMULATION
from skillcert.accounts.models import User
from skillcert.accounts.services import NewAccount, user_create, users_create_bulk
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError


@pytest.mark.django_db
def test_creates_the_roster_without_usable_passwords_and_one_audit_event():
    users = users_create_bulk(
        accounts=[NewAccount("kp_01", "考评员一"), NewAccount("kp_02", "考评员二", "13912345678")],
        actor=SIMULATION,
    )
    assert [u.username for u in users] == ["kp_01", "kp_02"]
    stored = {u.username: u for u in User.objects.filter(username__in=["kp_01", "kp_02"])}
    assert stored["kp_02"].phone == "13912345678"
    assert not any(u.has_usable_password() for u in stored.values())
    event = AuditEvent.objects.get(action="user.create_bulk")
    rows = [
        {"id": u.pk, "username": u.username, "full_name": u.full_name, "phone": u.phone}
        for u in users
    ]
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert event.changes["rows_sha256"][1] == hashlib.sha256(canonical.encode()).hexdigest()
    assert event.changes["count"] == [None, 2]


@pytest.mark.django_db
def test_refuses_the_whole_roster_when_a_username_is_taken_or_blank():
    user_create(
        username="kp_01", password="Skillcert-Test-2026", full_name="已有", actor=SIMULATION
    )
    with pytest.raises(DomainError) as err:
        users_create_bulk(
            accounts=[NewAccount("kp_02", "新"), NewAccount("kp_01", "重名")], actor=SIMULATION
        )
    assert err.value.code == "user.username_taken"
    assert err.value.message == "用户名“kp_01”已被使用"
    assert not User.objects.filter(username="kp_02").exists()
    with pytest.raises(DomainError) as err:
        users_create_bulk(accounts=[NewAccount(" ", "无名")], actor=SIMULATION)
    assert err.value.code == "user.username_required"
    assert err.value.message == "第1个账户：请填写用户名"
    with pytest.raises(DomainError) as err:
        users_create_bulk(
            accounts=[NewAccount("kp_03", "甲"), NewAccount("kp_03", "乙")], actor=SIMULATION
        )
    assert err.value.code == "user.username_taken"
    assert err.value.message == "用户名“kp_03”在名单中重复"
    with pytest.raises(DomainError) as err:
        users_create_bulk(accounts=[NewAccount("kp_04", "丙", "12345")], actor=SIMULATION)
    assert (err.value.code, err.value.field) == ("mobile.format", "phone")
    assert err.value.message.startswith("用户名“kp_04”：手机号码")
    with pytest.raises(DomainError) as err:
        users_create_bulk(accounts=[NewAccount("k" * 151, "丁")], actor=SIMULATION)
    assert (err.value.code, err.value.field) == ("user.username_invalid", "username")
    with pytest.raises(DomainError) as err:
        users_create_bulk(accounts=[NewAccount("kp 05", "戊")], actor=SIMULATION)
    assert err.value.code == "user.username_invalid"
    with pytest.raises(DomainError) as err:
        users_create_bulk(accounts=[NewAccount("kp_06", "名" * 65)], actor=SIMULATION)
    assert (err.value.code, err.value.field) == ("user.full_name_too_long", "full_name")
    assert not User.objects.filter(username__startswith="kp_0").exclude(username="kp_01").exists()
    assert not AuditEvent.objects.filter(action="user.create_bulk").exists()
