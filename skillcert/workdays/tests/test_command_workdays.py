import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_add_prints_the_date_across_national_day(capsys):
    call_command("workdays", "add", "2026-09-25", "15")
    assert capsys.readouterr().out.strip() == "2026-10-22"


def test_between_prints_the_count(capsys):
    call_command("workdays", "between", "2026-09-25", "2026-10-22")
    assert capsys.readouterr().out.strip() == "15"


def test_uncovered_year_is_a_clear_error():
    with pytest.raises(CommandError, match="2040年"):
        call_command("workdays", "add", "2040-01-01", "3")


def test_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("workdays", "add", "2026-13-01", "3")
