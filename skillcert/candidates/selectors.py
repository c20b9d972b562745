"""Candidate reads: the person behind a user, the profile as the eligibility engine's plain
data and as a JSON snapshot, and identifiers shown masked unless the viewer may see them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from skillcert.accounts.scope import Scope
from skillcert.applications.selectors import applications_visible
from skillcert.candidates.models import ActivationCode, Candidate, ClaimStatus, IdentityClaim
from skillcert.common.pii import pii_digest
from skillcert.eligibility import engine


def candidate_for_user(*, user: Any) -> Candidate | None:
    if user is None or not user.is_authenticated:
        return None
    return Candidate.objects.filter(user=user).first()


def identity_claim_for_user(*, user: Any) -> IdentityClaim | None:
    """The account's unsettled claim to an ID number the platform already knew."""
    if user is None or not user.is_authenticated:
        return None
    return IdentityClaim.objects.filter(user=user).exclude(status=ClaimStatus.CLAIMED).first()


def candidates_staff_visible(*, scope: Scope) -> QuerySet[Candidate]:
    """Candidates whose applications the user handles: staff of an organisation they applied
    to, officers over such an organisation. Nobody else, candidates included."""
    if not (scope.is_org_staff or scope.is_officer):
        return Candidate.objects.none()
    applicants = applications_visible(scope=scope).values("candidate_id")
    return Candidate.objects.filter(pk__in=applicants)


def activation_code_of(*, candidate: Candidate) -> ActivationCode | None:
    return ActivationCode.objects.filter(candidate=candidate).select_related("issued_by").first()


def candidate_by_id_number(*, id_number: str) -> Candidate | None:
    return Candidate.objects.filter(id_number_digest=pii_digest(id_number)).first()


def profile_snapshot(*, candidate: Candidate) -> dict[str, Any]:
    """The profile frozen into an application at submission (later edits do not change what
    was reviewed)."""
    return {
        "full_name": candidate.full_name,
        "birth_date": candidate.birth_date.isoformat(),
        "declared_birth_date": (
            candidate.declared_birth_date.isoformat() if candidate.declared_birth_date else None
        ),
        "apprenticeship_completed": candidate.apprenticeship_completed,
        "work": [
            {
                "start": w.start.isoformat(),
                "end": w.end.isoformat() if w.end else None,
                "related": w.related,
                "employer": w.employer,
                "occupation_name": w.occupation_name,
            }
            for w in candidate.work_periods.all()
        ],
        "certificates": [
            {
                "level": c.level,
                "date": c.issued_on.isoformat(),
                "related": c.related,
                "number": c.number,
                "kind": c.kind,
                "occupation_name": c.occupation_name,
            }
            for c in candidate.certificates.all()
        ],
        "education": [
            {
                "kind": e.kind,
                "major_related": e.major_related,
                "graduation": e.graduation.isoformat(),
                "school": e.school,
                "major": e.major,
            }
            for e in candidate.education.all()
        ],
        "titles": [
            {"grade": t.grade, "name": t.name, "date": t.date.isoformat(), "related": t.related}
            for t in candidate.titles.all()
        ],
    }


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def engine_profile(snapshot: dict[str, Any]) -> engine.Profile:
    """A profile snapshot as the engine's dataclasses."""
    return engine.Profile(
        work=tuple(
            engine.WorkPeriod(
                start=dt.date.fromisoformat(w["start"]),
                end=_day(w.get("end")),
                related=bool(w.get("related", True)),
            )
            for w in snapshot.get("work", [])
        ),
        certificates=tuple(
            engine.HeldCertificate(
                level=int(c["level"]),
                date=dt.date.fromisoformat(c["date"]),
                related=bool(c.get("related", True)),
            )
            for c in snapshot.get("certificates", [])
        ),
        education=tuple(
            engine.Education(
                kind=e["kind"],
                major_related=bool(e.get("major_related", False)),
                graduation=dt.date.fromisoformat(e["graduation"]),
            )
            for e in snapshot.get("education", [])
        ),
        apprenticeship_completed=bool(snapshot.get("apprenticeship_completed", False)),
        titles=tuple(
            engine.Title(
                grade=t["grade"],
                date=dt.date.fromisoformat(t["date"]),
                name=t.get("name", ""),
                related=bool(t.get("related", True)),
            )
            for t in snapshot.get("titles", [])
        ),
    )


def identity_for_viewer(*, candidate: Candidate, full: bool) -> dict[str, str]:
    """ID number and phone, in full only for the owner and the responsible reviewer."""
    if full:
        return {"id_number": candidate.id_number, "phone": candidate.phone}
    return {"id_number": candidate.id_number_masked, "phone": candidate.phone_masked}


# --- the profile as a reviewer reads it ---------------------------------------------------


MISSING = "（未填写）"
Shown = Callable[[dict[str, Any]], str]


def _text(key: str, empty: str = MISSING) -> Shown:
    return lambda row: row.get(key) or empty


def _flag(key: str, default: bool) -> Shown:
    return lambda row: "是" if row.get(key, default) else "否"


def profile_for_review(*, snapshot: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The work records, certificates, education and titles frozen into an application, in
    the words a reviewer reads (the snapshot keeps codes such as `skill_level` and level
    numbers): keys `work`, `certificates`, `education`, `titles`."""
    from skillcert.candidates.models import CertificateKind
    from skillcert.occupations.choices import LEVEL_CHOICES

    kinds = dict(CertificateKind.choices)
    levels = dict(LEVEL_CHOICES)
    occupation, date, related = _text("occupation_name"), _text("date", ""), _flag("related", True)
    # Per section, each shown column and how it is read from a snapshot row.
    columns: dict[str, dict[str, Shown]] = {
        "work": {
            "employer": _text("employer"),
            "occupation_name": occupation,
            "start": _text("start", ""),
            "end": _text("end", "至今"),
            "related": related,
        },
        "certificates": {
            "kind": lambda c: str(kinds.get(c.get("kind", ""), c.get("kind") or MISSING)),
            "number": _text("number"),
            "occupation_name": occupation,
            "level": lambda c: levels.get(int(c["level"]), str(c["level"])),
            "date": date,
            "related": related,
        },
        "education": {
            "kind": _text("kind", ""),
            "school": _text("school"),
            "major": _text("major"),
            "graduation": _text("graduation", ""),
            "related": _flag("major_related", False),
        },
        "titles": {
            "grade": _text("grade", ""),
            "name": _text("name"),
            "date": date,
            "related": related,
        },
    }
    return {
        section: [
            {key: shown(row) for key, shown in shows.items()} for row in snapshot.get(section, [])
        ]
        for section, shows in columns.items()
    }
