"""Prior certificates the platform already holds for a person, added to the profile the
candidate typed before the engine runs. Sources live in apps above this one (the imported
old 职业资格 certificates are in `certificates`), so they plug in here from their
`AppConfig.ready()` instead of being imported.

A source answers, for a holder's ID-number digest, the certificates it knows as
(skill level, issue date, occupation name); the level is already the mapped skill level
(seed 004 §二: 初级…高级技师 map one-to-one onto 五级…一级). A certificate without a level
(a 专项职业能力证书, level None) is no prior certificate at a level: it never counts toward
a clause that asks for one (seed 004 §一)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from skillcert.eligibility import engine


@dataclass(frozen=True)
class PriorCertificate:
    level: int | None  # None: a 专项职业能力证书, which is at no level
    date: dt.date
    occupation_name: str
    source: str  # the registering source's name, shown with the decision


PriorCertificateSource = Callable[[str], Sequence[PriorCertificate]]

PRIOR_CERTIFICATE_SOURCES: dict[str, PriorCertificateSource] = {}


def prior_certificate_source_register(name: str, source: PriorCertificateSource) -> None:
    PRIOR_CERTIFICATE_SOURCES[name] = source


def prior_certificates_of(*, holder_id_digest: str) -> list[PriorCertificate]:
    if not holder_id_digest:
        return []
    return [
        cert for source in PRIOR_CERTIFICATE_SOURCES.values() for cert in source(holder_id_digest)
    ]


def profile_with_prior_certificates(
    profile: engine.Profile, prior: Sequence[PriorCertificate], *, occupation_name: str
) -> engine.Profile:
    """`profile` with the registry's certificates added; one counts as 本职业 when it was
    issued for the occupation applied for. A certificate the candidate also typed (same level
    and date) is not added twice."""
    prior = [p for p in prior if p.level is not None]
    if not prior:
        return profile
    typed = {(c.level, c.date) for c in profile.certificates}
    added = tuple(
        engine.HeldCertificate(
            level=p.level, date=p.date, related=p.occupation_name.strip() == occupation_name
        )
        for p in prior
        if p.level is not None and (p.level, p.date) not in typed
    )
    return replace(profile, certificates=profile.certificates + added)
