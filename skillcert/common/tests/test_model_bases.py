"""common.model_bases and common.fields: the shared column groups keep the options the tables
had, so the abstract bases change no schema, and their helpers behave the same for every
table."""

from __future__ import annotations

from django.db import models

from skillcert.certificates.models import CorrectionRequest
from skillcert.common.fields import ref_fk
from skillcert.common.model_bases import between_check
from skillcert.exchange.models import ReceivedCertificate


def test_ref_fk_protects_and_hides_the_reverse_accessor() -> None:
    _, _, _, kwargs = ref_fk("occupations.Occupation", "职业").deconstruct()

    assert kwargs["on_delete"] is models.PROTECT
    assert kwargs["related_name"] == "+"
    assert kwargs["verbose_name"] == "职业"
    assert "null" not in kwargs and "blank" not in kwargs


def test_ref_fk_optional_allows_null_and_blank() -> None:
    _, _, _, kwargs = ref_fk("occupations.Specialty", "工种", optional=True).deconstruct()

    assert kwargs["null"] is True
    assert kwargs["blank"] is True


def test_between_check_is_the_range_constraint_written_out() -> None:
    written_out = models.CheckConstraint(
        condition=models.Q(level__gte=1, level__lte=5), name="some_level_1_5"
    )

    assert between_check("level", 1, 5, name="some_level_1_5") == written_out


def test_between_check_rejects_other_bounds_as_a_different_constraint() -> None:
    assert between_check("level", 1, 5, name="x") != between_check("level", 0, 5, name="x")


def test_masked_id_number_keeps_the_ends() -> None:
    row = ReceivedCertificate(id_number="320102199001011234")

    assert row.id_number_masked == "3201**********1234"


def test_masked_id_number_is_empty_for_an_unchanged_correction() -> None:
    assert CorrectionRequest(id_number="").id_number_masked == ""
