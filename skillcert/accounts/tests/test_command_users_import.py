"""`manage.py users_import FILE`: accounts from a CSV roster through `users_create_bulk`,
without usable passwords; a bad row creates nothing and exits 1 naming the row."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillcert.accounts.actors import SIMULATION
from skillcert.accounts.models import User
from skillcert.accounts.services import user_create
from skillcert.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, text: str, *, bom: bool = False) -> str:
    path = tmp_path / "accounts.csv"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return str(path)


def _refusal(path: str) -> CommandError:
    with pytest.raises(CommandError) as err:
        call_command("users_import", path, stdout=StringIO())
    return err.value


def test_creates_the_rosters_accounts_without_usable_passwords(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "username,full_name,phone\nkp_01,考评员一,13912345678\nkp_02,考评员二,\n,,\n",
        bom=True,
    )
    out = StringIO()
    call_command("users_import", path, stdout=out)
    assert "已创建 2 个账户" in out.getvalue()
    stored = {u.username: u for u in User.objects.filter(username__startswith="kp_")}
    assert sorted(stored) == ["kp_01", "kp_02"]
    assert stored["kp_01"].full_name == "考评员一" and stored["kp_01"].phone == "13912345678"
    assert not any(u.has_usable_password() for u in stored.values())
    event = AuditEvent.objects.get(action="user.create_bulk")
    assert event.actor_ref == "system:command:users_import"


def test_the_phone_column_may_be_left_out(tmp_path: Path) -> None:
    call_command(
        "users_import", _file(tmp_path, "username,full_name\nkp_09,甲\n"), stdout=StringIO()
    )
    assert User.objects.get(username="kp_09").phone == ""


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("username,full_name\nkp_01,甲\n,乙\n", "第3行"),
        (
            "username,full_name\nkp_01,甲\nkp_02,乙\nkp_01,丙\n",
            "第4行（用户名 kp_01，与第2行重复）",
        ),
        ("username,full_name,phone\nkp_01,甲,\nkp_02,乙,12345\n", "第3行（用户名 kp_02）"),
        ("username,full_name\nkp_01,甲\ntaken,乙\n", "第3行（用户名 taken）"),
    ],
    ids=["blank-username", "repeated-username", "bad-phone", "username-in-use"],
)
def test_a_bad_row_creates_nothing_and_exits_1_naming_the_row(
    tmp_path: Path, text: str, row: str
) -> None:
    user_create(
        username="taken", password="Skillcert-Test-2026", full_name="已有", actor=SIMULATION
    )
    refused = _refusal(_file(tmp_path, text))
    assert refused.returncode == 1
    assert str(refused).startswith(row) and "未创建任何账户" in str(refused)
    assert not User.objects.filter(username__startswith="kp_").exists()
    assert not AuditEvent.objects.filter(action="user.create_bulk").exists()


def test_a_file_that_cannot_be_used_exits_2(tmp_path: Path) -> None:
    unknown = _refusal(_file(tmp_path, "username,fullname\nkp_01,甲\n"))
    assert unknown.returncode == 2 and "fullname" in str(unknown)
    missing = _refusal(str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and "文件不存在" in str(missing)
    (tmp_path / "gbk.csv").write_bytes("username,full_name\nkp_01,考评员\n".encode("gbk"))
    assert _refusal(str(tmp_path / "gbk.csv")).returncode == 2
    assert _refusal(_file(tmp_path, "username,full_name\n")).returncode == 1
    assert not User.objects.filter(username__startswith="kp_").exists()
