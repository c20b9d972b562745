"""Fixtures for the organisation tests: a small catalogue with a directory, uploads kept in a
temporary media root, and a helper that files an organisation through the real services."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.accounts.actors import Actor
from skillcert.common.tests.module_rows import module_shares
from skillcert.occupations.models import DirectoryEntry, Occupation, Specialty
from skillcert.organizations.catalogue import ScopeRequest
from skillcert.organizations.demo import filing_submit_approved
from skillcert.organizations.filing import (
    filing_application_start,
    filing_checklist,
    filing_evidence_set,
    filing_review,
    filing_scope_set,
)
from skillcert.organizations.models import (
    EvaluationOrg,
    EvidenceKind,
    FilingApplication,
    FilingPurpose,
    ReviewDecision,
    ReviewTier,
)
from skillcert.organizations.uploads import file_store
from skillcert.regions.models import Region

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48

LISTED = dt.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Catalogue:
    hr: Occupation  # 企业人力资源管理师: levels 4-1 listed
    electrician: Occupation  # 电工: levels 5-1 listed
    labour: Occupation  # 劳动关系协调师: not on the directory
    welder: Occupation  # 焊工: 5-3 listed; 2 was listed and removed
    lathe: Specialty  # a specialty of the electrician (for specialty checks)


def build_catalogue() -> Catalogue:
    hr = Occupation.objects.create(code="4-07-03-02", name="企业人力资源管理师")
    electrician = Occupation.objects.create(code="6-31-01-03", name="电工")
    labour = Occupation.objects.create(code="4-07-03-03", name="劳动关系协调师")
    welder = Occupation.objects.create(code="6-18-02-04", name="焊工")
    specialty = Specialty.objects.create(occupation=electrician, name="维修电工")
    rows = [(hr, lv, None) for lv in (4, 3, 2, 1)]
    rows += [(electrician, lv, None) for lv in (5, 4, 3, 2, 1)]
    rows += [(welder, lv, None) for lv in (5, 4, 3)]
    DirectoryEntry.objects.bulk_create(
        DirectoryEntry(occupation=o, level=lv, effective_from=LISTED, document_no="测试目录")
        for o, lv, _ in rows
    )
    DirectoryEntry.objects.create(
        occupation=welder,
        level=2,
        effective_from=LISTED,
        effective_to=dt.date(2021, 1, 1),
        document_no="测试目录",
    )
    return Catalogue(hr, electrician, labour, welder, specialty)


@pytest.fixture(scope="module")
def _module_catalogue(request: pytest.FixtureRequest, _module_rows: bool) -> Catalogue | None:
    return build_catalogue() if module_shares(request, "catalogue") else None


@pytest.fixture
def catalogue(
    _module_catalogue: Catalogue | None, _copy_memo: dict[int, Any], db: Any
) -> Catalogue:
    """The small catalogue (built once for a module whose database tests all use it)."""
    if _module_catalogue is None:
        return build_catalogue()
    return copy.deepcopy(_module_catalogue, _copy_memo)


def pdf_upload(name: str = "营业执照.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete_evidence(application: FilingApplication, actor: Actor) -> None:
    """Provide evidence for every checklist item of the organisation's type."""
    org = application.org
    document = None
    for row in filing_checklist(application=application):
        item = row.item
        if item.evidence == EvidenceKind.FILE:
            document = document or file_store(org=org, upload=pdf_upload(), actor=actor)
            filing_evidence_set(application=application, item=item, file=document, actor=actor)
        elif item.evidence == EvidenceKind.NUMBER:
            filing_evidence_set(
                application=application, item=item, number_value=row.minimum or 1, actor=actor
            )
        elif item.evidence == EvidenceKind.TEXT:
            filing_evidence_set(
                application=application, item=item, text_value="已说明", actor=actor
            )
        else:
            filing_evidence_set(application=application, item=item, declared=True, actor=actor)


def review(
    application: FilingApplication,
    actor: Actor,
    *,
    tier: str = ReviewTier.CITY,
    decision: str = ReviewDecision.APPROVE,
    reason: str = "",
) -> FilingApplication:
    """`filing_review` of `application` by `actor`: by default an approval at the city tier."""
    return filing_review(
        application=application, tier=tier, decision=decision, reason=reason, actor=actor
    )


def prepared_application(
    *,
    org: EvaluationOrg,
    clerk: Any,
    lines: list[tuple[str, int]],
    service_region: str = "320100",
    purpose: str = FilingPurpose.INITIAL,
) -> FilingApplication:
    application = filing_application_start(
        org=org,
        purpose=purpose,
        service_region=Region.objects.get(code=service_region),
        actor=clerk,
    )
    filing_scope_set(
        application=application,
        lines=[ScopeRequest(code, level) for code, level in lines],
        actor=clerk,
    )
    complete_evidence(application, clerk)
    return application


def file_org(
    personas: Any,
    *,
    org: EvaluationOrg | None = None,
    lines: list[tuple[str, int]] | None = None,
    service_region: str = "320100",
) -> EvaluationOrg:
    """File an organisation end to end (clerk prepares, city and if needed province approve)."""
    org = org or personas.org_a
    clerk = personas.clerk_a if org.pk == personas.org_a.pk else personas.clerk_b
    city = personas.city_nanjing if org.region_id.startswith("3201") else personas.city_suzhou
    application = prepared_application(
        org=org, clerk=clerk, lines=lines or [("6-31-01-03", 4)], service_region=service_region
    )
    filing_submit_approved(application, clerk=clerk, city=city, province=personas.province)
    org.refresh_from_db()
    return org
