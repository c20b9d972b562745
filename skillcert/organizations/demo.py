"""Demo organisations for `manage.py demo`: the three organisations the demo command
registers are filed with a scope from the demo catalogue, and a few more organisations of
each type are registered and filed. Everything goes through the services (applications,
evidence, city and province review), so the demo exercises the real workflow. Idempotent:
organisations already filed, or with an application in progress, are left alone."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from skillcert.accounts.actors import Actor
from skillcert.common.identifiers import uscc_check_digit
from skillcert.occupations.models import Occupation
from skillcert.organizations.catalogue import ScopeRequest
from skillcert.organizations.filing import (
    filing_application_start,
    filing_checklist,
    filing_evidence_set,
    filing_review,
    filing_scope_set,
    filing_submit,
)
from skillcert.organizations.models import (
    OPEN_FILING_STATUSES,
    EvaluationOrg,
    EvidenceKind,
    FilingApplication,
    FilingPurpose,
    FilingStatus,
    OrgKind,
    OrgStatus,
    ReviewDecision,
    ReviewTier,
    StoredFile,
)
from skillcert.organizations.services import organization_create
from skillcert.organizations.uploads import file_store
from skillcert.regions.models import Region

# A minimal, valid one-page PDF used as the demo evidence document.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (USCC stem, name, kind, region, service region, contact phone, address, scope)
EXTRA_ORGS: list[tuple[str, str, str, str, str, str, str, list[tuple[str, int]]]] = [
    (
        "91320300MA1X0D7E2",
        "徐州重型机械技能评价中心有限公司",
        OrgKind.EMPLOYER,
        "320311",
        "320300",
        "0516-87700001",
        "徐州市泉山区工程机械路1号",
        [("6-18-02-04", 5), ("6-18-02-04", 4), ("6-18-02-04", 3)],
    ),
    (
        "12320100MB0A1C2D3",
        "南京交通技师学院",
        OrgKind.SCHOOL,
        "320115",
        "320100",
        "025-52100001",
        "南京市江宁区龙眠大道1号",
        [("6-31-01-03", 5), ("6-31-01-03", 4), ("6-31-01-03", 3)],
    ),
    (
        "51320000MJ0A2B3C4",
        "江苏省人力资源管理协会",
        OrgKind.ASSOCIATION,
        "320102",
        "320000",
        "025-83300001",
        "南京市玄武区中山路1号",
        [("4-07-03-02", 4), ("4-07-03-02", 3), ("4-07-03-02", 2)],
    ),
]

# scope for the organisations the demo command itself registers, by USCC stem
DEMO_COMMAND_SCOPES: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "91320102MA1N2K3L4": ("320100", [("4-07-03-02", 4), ("4-07-03-02", 3), ("4-07-03-03", 4)]),
    "91320594MA1P5Q6R7": ("320500", [("6-31-01-03", 5), ("6-31-01-03", 4)]),
    "91320000134790127": ("320100", [("6-31-01-03", 4), ("6-18-02-04", 4)]),
}


def _file(org: EvaluationOrg, actor: Actor) -> StoredFile:
    upload = SimpleUploadedFile("演示材料.pdf", _DEMO_PDF, content_type="application/pdf")
    return file_store(org=org, upload=upload, actor=actor)


def file_and_approve(
    org: EvaluationOrg, service_region: Region, scope: list[tuple[str, int]], actor: Actor
) -> None:
    if org.status != OrgStatus.UNFILED:
        return
    if FilingApplication.objects.filter(org=org, status__in=OPEN_FILING_STATUSES).exists():
        return
    application = filing_application_start(
        org=org, purpose=FilingPurpose.INITIAL, service_region=service_region, actor=actor
    )
    filing_scope_set(
        application=application,
        lines=[ScopeRequest(code, level) for code, level in scope],
        actor=actor,
    )
    document = None
    for row in filing_checklist(application=application):
        item = row.item
        if item.evidence == EvidenceKind.FILE:
            document = document or _file(org, actor)
            filing_evidence_set(application=application, item=item, file=document, actor=actor)
        elif item.evidence == EvidenceKind.NUMBER:
            filing_evidence_set(
                application=application,
                item=item,
                number_value=max(row.minimum or 0, 6),
                actor=actor,
            )
        elif item.evidence == EvidenceKind.TEXT:
            filing_evidence_set(
                application=application, item=item, text_value="演示：已按要求说明", actor=actor
            )
        else:
            filing_evidence_set(application=application, item=item, declared=True, actor=actor)
    filing_submit_approved(application, clerk=actor, city=actor, province=actor)


def filing_submit_approved(
    application: FilingApplication, *, clerk: Actor, city: Actor, province: Actor
) -> FilingApplication:
    """Submit a prepared application and approve it at the city and, where its levels need
    the province, at the province (the demo's and the tests' filings)."""
    application = filing_submit(application=application, actor=clerk)
    application = filing_review(
        application=application, tier=ReviewTier.CITY, decision=ReviewDecision.APPROVE, actor=city
    )
    if application.status == FilingStatus.CITY_APPROVED:
        application = filing_review(
            application=application,
            tier=ReviewTier.PROVINCE,
            decision=ReviewDecision.APPROVE,
            actor=province,
        )
    return application


def load_organizations_demo(actor: Actor) -> None:
    """File the demo organisations (only when the demo catalogue is loaded)."""
    needed = {code for _, scope in DEMO_COMMAND_SCOPES.values() for code, _ in scope}
    needed |= {code for row in EXTRA_ORGS for code, _ in row[7]}
    if Occupation.objects.filter(code__in=needed).count() < len(needed):
        return
    for stem, (service_code, scope) in DEMO_COMMAND_SCOPES.items():
        org = EvaluationOrg.objects.filter(uscc=stem + uscc_check_digit(stem)).first()
        if org is not None:
            file_and_approve(org, Region.objects.get(code=service_code), scope, actor)
    for stem, name, kind, region, service_code, phone, address, scope in EXTRA_ORGS:
        uscc = stem + uscc_check_digit(stem)
        org = EvaluationOrg.objects.filter(uscc=uscc).first()
        if org is None:
            org = organization_create(
                name=name,
                kind=kind,
                uscc=uscc,
                region=Region.objects.get(code=region),
                contact_phone=phone,
                address=address,
                actor=actor,
            )
        file_and_approve(org, Region.objects.get(code=service_code), scope, actor)
