"""Candidates an organisation's roster names, written in bulk inside the roster import's
transaction (`applications.importing`): a person first met on a roster gets the roster's
work, certificates and education as their profile; an existing person's profile is theirs
to keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Field

from skillcert.applications.bulk_insert import db_json, rows_insert
from skillcert.candidates.models import Candidate, Education, HeldCertificate, WorkPeriod
from skillcert.common.pii import pii_digest, pii_encrypt_many

if TYPE_CHECKING:
    from skillcert.applications.roster import RosterRow

BATCH = 500


def candidates_from_roster(
    *, rows: Sequence[RosterRow], now: dt.datetime
) -> dict[str, tuple[int, bool]]:
    """digest -> (candidate id, photo failed its checks) for every row's person, creating
    the ones not known yet (with their profile)."""
    day = connection.ops.adapt_datefield_value
    existing = candidates_by_digest([r.digest for r in rows])
    fresh = [r for r in rows if r.digest not in existing]
    empty_list = db_json(Candidate, "photo_problems", [])
    db_now = connection.ops.adapt_datetimefield_value(now)
    rows_insert(
        Candidate,
        ["full_name", "id_number", "id_number_digest", "birth_date", "declared_birth_date",
         "gender", "phone", "phone_digest", "apprenticeship_completed", "photo", "photo_ok",
         "photo_problems", "created_at"],
        [
            (r.name, id_number, r.digest, day(r.birth_date), day(r.declared_birth_date),
             r.gender, phone, pii_digest(r.phone), False, "", False, empty_list, db_now)
            for r, id_number, phone in zip(
                fresh,
                pii_encrypt_many([r.id_number for r in fresh]),
                pii_encrypt_many([r.phone for r in fresh]),
                strict=True,
            )
        ],
    )  # fmt: skip
    new_ids = candidates_by_digest([r.digest for r in fresh])
    existing.update(new_ids)
    _profiles(fresh, new_ids)
    return existing


def candidates_by_digest(digests: list[str]) -> dict[str, tuple[int, bool]]:
    """digest -> (candidate id, photo failed its checks). Plain SQL: for 10^5 digests the
    ORM's preparing of each `IN` parameter cost more than the database's lookups."""
    found: dict[str, tuple[int, bool]] = {}
    columns = ", ".join(map(_column, ("id", "id_number_digest", "photo", "photo_ok")))
    table = connection.ops.quote_name(Candidate._meta.db_table)
    step = connection.features.max_query_params or BATCH
    with connection.cursor() as cursor:
        for start in range(0, len(digests), step):
            chunk = digests[start : start + step]
            marks = ", ".join(["%s"] * len(chunk))
            # Table and column names come from model metadata; every digest is a parameter.
            cursor.execute(
                f"SELECT {columns} FROM {table} "  # noqa: S608
                f"WHERE {_column('id_number_digest')} IN ({marks})",
                chunk,
            )
            for pk, digest, photo, photo_ok in cursor.fetchall():
                found[digest] = (pk, bool(photo) and not photo_ok)
    return found


def _column(name: str) -> str:
    field = Candidate._meta.get_field(name)
    assert isinstance(field, Field)
    return connection.ops.quote_name(field.column)


def _profiles(rows: Sequence[RosterRow], ids: dict[str, tuple[int, bool]]) -> None:
    day = connection.ops.adapt_datefield_value
    work, certificates, education = [], [], []
    for r in rows:
        candidate_id = ids[r.digest][0]
        for w in r.snapshot["work"]:
            work.append((candidate_id, "", "", day(dt.date.fromisoformat(w["start"])), None, True))
        for c in r.snapshot["certificates"]:
            certificates.append(
                (candidate_id, c["kind"] or "skill_level", c["number"], "", c["level"],
                 day(dt.date.fromisoformat(c["date"])), True)
            )  # fmt: skip
        for e in r.snapshot["education"]:
            education.append(
                (candidate_id, e["kind"], "", "", e["major_related"],
                 day(dt.date.fromisoformat(e["graduation"])))
            )  # fmt: skip
    rows_insert(
        WorkPeriod, ["candidate", "employer", "occupation_name", "start", "end", "related"], work
    )
    rows_insert(
        HeldCertificate,
        ["candidate", "kind", "number", "occupation_name", "level", "issued_on", "related"],
        certificates,
    )
    rows_insert(
        Education,
        ["candidate", "kind", "school", "major", "major_related", "graduation"],
        education,
    )
