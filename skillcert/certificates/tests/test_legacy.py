import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.legacy import HEADER, legacy_import
from skillcert.certificates.models import LegacyCertificate
from skillcert.plans.tests.factories import make_id

GOOD = [
    [
        "1132000000000001",
        "张三",
        make_id(1),
        "企业人力资源管理师",
        "三级",
        "2012-06-30",
        "江苏省职业技能鉴定中心",
    ],
    [
        "1132000000000002",
        "李四",
        make_id(2),
        "焊工（电焊工）",
        "技师",
        "2015-12-01",
        "江苏省职业技能鉴定中心",
    ],
]

SYSTEM_TEST = SystemActor("test")


def _csv(rows):
    return "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"


def test_imports_legacy_certificates_with_mapped_levels(db):
    imported, errors = legacy_import(text=_csv(GOOD), actor=SYSTEM_TEST)
    assert (imported, errors) == (2, [])
    assert LegacyCertificate.objects.get(number="1132000000000002").level == 2
    assert LegacyCertificate.objects.get(number="1132000000000001").id_number == make_id(1)


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (
            ["113200000000000", "王五", make_id(3), "焊工", "三级", "2015-01-01", "x"],
            "legacy.number",
        ),
        (
            ["1132000000000003", "王五", make_id(3)[:-1] + "0", "焊工", "三级", "2015-01-01", "x"],
            "id_number.checksum",
        ),
        (
            ["1132000000000003", "王五", make_id(3), "焊工", "特级", "2015-01-01", "x"],
            "legacy.level",
        ),
        (
            ["1132000000000003", "王五", make_id(3), "焊工", "三级", "2015/01/01", "x"],
            "legacy.date",
        ),
        (
            ["1132000000000001", "王五", make_id(3), "焊工", "三级", "2015-01-01", "x"],
            "legacy.duplicate",
        ),
    ],
)
def test_one_bad_row_and_nothing_is_imported(db, row, code):
    if make_id(3)[:-1] + "0" == make_id(3) and code == "id_number.checksum":
        row[2] = make_id(3)[:-1] + "1"
    imported, errors = legacy_import(text=_csv([*GOOD, row]), actor=SYSTEM_TEST)
    assert imported == 0
    assert errors[0].code == code
    assert errors[0].row == 4
    assert LegacyCertificate.objects.count() == 0


def test_command_reports_errors_and_exits_non_zero(db, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text(_csv([["bad", "x", "y", "z", "三级", "2015-01-01", "x"]]), encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何记录"):
        call_command("certificates", "import-legacy", "--file", str(path))
    path.write_text(_csv(GOOD), encoding="utf-8")
    call_command("certificates", "import-legacy", "--file", str(path))
    assert LegacyCertificate.objects.count() == 2
