"""Annual reports (年度报告, seed 001 §五): each filed organisation reports by the policy's
due date (31 December by default) what it assessed and certified per occupation and level,
the roster of people certified in the year, examiner and item-bank changes, problems and fixes.
The roster and the certified counts come from the certificate registry (the `certificates`
app registers its source here from its `ready()`), never typed in; the roster is frozen into
the report when it is submitted. Officers see who is overdue; the
overdue sweep writes one `late_report` line per organisation and year into the integrity
file."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from skillcert.accounts.actors import Actor, actor_scope, actor_user
from skillcert.accounts.scope import Scope
from skillcert.audit.services import audit_record
from skillcert.common.errors import DomainError, Forbidden
from skillcert.organizations.core import LEVEL_NAMES, report_due_date
from skillcert.organizations.filing import policy_for
from skillcert.organizations.locks import org_lock
from skillcert.organizations.models import (
    AnnualReport,
    AnnualReportLine,
    AnnualReportStatus,
    CreditEvent,
    CreditEventKind,
    EvaluationOrg,
    OrgScope,
    OrgStatus,
)
from skillcert.organizations.permissions import (
    require_staff_of,
)


@dataclass(frozen=True)
class ReportLineInput:
    occupation_id: int
    level: int
    assessed: int


@dataclass(frozen=True)
class RosterEntry:
    """One person certified by the organisation in the year (ID number already masked)."""

    certificate_number: str
    holder_name: str
    id_number_masked: str
    occupation_id: int
    occupation_name: str
    level: int | None
    issue_date: dt.date

    @property
    def level_name(self) -> str:
        if self.level is None:
            return "专项职业能力"
        return LEVEL_NAMES.get(self.level, str(self.level))

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "issue_date": self.issue_date.isoformat()}

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> RosterEntry:
        return cls(**{**row, "issue_date": dt.date.fromisoformat(row["issue_date"])})


# (organisation id, year) -> the people it certified that year.
AnnualRosterSource = Callable[[int, int], Sequence[RosterEntry]]
ANNUAL_ROSTER_SOURCES: dict[str, AnnualRosterSource] = {}


def annual_roster_source_register(name: str, source: AnnualRosterSource) -> None:
    ANNUAL_ROSTER_SOURCES[name] = source


def annual_roster_from_registry(*, org_id: int, year: int) -> list[RosterEntry]:
    entries = [entry for source in ANNUAL_ROSTER_SOURCES.values() for entry in source(org_id, year)]
    return sorted(entries, key=lambda e: (e.occupation_id, -(e.level or 0), e.certificate_number))


def annual_report_roster(*, report: AnnualReport) -> list[RosterEntry]:
    """The roster as submitted, or, for a draft, as the registry lists it now."""
    if report.status == AnnualReportStatus.SUBMITTED:
        return [RosterEntry.from_json(row) for row in report.roster]
    return annual_roster_from_registry(org_id=report.org_id, year=report.year)


def _certified_counts(roster: Sequence[RosterEntry]) -> Counter[tuple[int, int | None]]:
    return Counter((entry.occupation_id, entry.level) for entry in roster)


def _due_dates(year: int) -> Callable[[str], dt.date]:
    """Due date by province code, reading each province's policy once."""
    cache: dict[str, dt.date] = {}

    def due_of(province: str) -> dt.date:
        if province not in cache:
            policy = policy_for(province)
            cache[province] = report_due_date(
                year=year, month=policy.annual_report_due_month, day=policy.annual_report_due_day
            )
        return cache[province]

    return due_of


def due_date_for(*, org: EvaluationOrg, year: int) -> dt.date:
    policy = policy_for(org.region_id[:2])
    return report_due_date(
        year=year, month=policy.annual_report_due_month, day=policy.annual_report_due_day
    )


def _scope_during(org: EvaluationOrg, year: int) -> QuerySet[OrgScope]:
    """Scope lines in force at some time during `year`."""
    return OrgScope.objects.filter(org=org, since__lte=dt.date(year, 12, 31)).filter(
        Q(until__isnull=True) | Q(until__gte=dt.date(year, 1, 1))
    )


def annual_report_start(*, org: EvaluationOrg, year: int, actor: Actor) -> AnnualReport:
    """Open the year's report, one line per occupation × level of the scope in force during
    the year. The certified counts come from the registry; the numbers assessed start at
    those counts and the organisation corrects them."""
    require_staff_of(actor, org)
    today = timezone.localdate()
    if org.filing_number is None:
        raise DomainError("annual_report.not_filed", "机构尚未备案，无需报送年度报告")
    if year > today.year or year < 2018:
        raise DomainError("annual_report.year_invalid", f"年度 {year} 无效", field="year")
    with transaction.atomic():
        org = org_lock(org.pk)
        existing = AnnualReport.objects.filter(org=org, year=year).first()
        if existing is not None:
            raise DomainError(
                "annual_report.exists", f"{year} 年度报告已创建，请直接编辑", field="year"
            )
        report = AnnualReport.objects.create(org=org, year=year)
        keys = sorted(
            set(_scope_during(org, year).values_list("occupation_id", "level")),
            key=lambda k: (k[0], -k[1]),
        )
        certified = _certified_counts(annual_roster_from_registry(org_id=org.pk, year=year))
        AnnualReportLine.objects.bulk_create(
            AnnualReportLine(
                report=report,
                occupation_id=occupation_id,
                level=level,
                assessed=certified[(occupation_id, level)],
                certified=certified[(occupation_id, level)],
            )
            for occupation_id, level in keys
        )
        audit_record(
            actor=actor, action="annual_report.start", obj=report, changes={"year": [None, year]}
        )
    return report


def _lock_report(report: AnnualReport) -> AnnualReport:
    org_lock(report.org_id)
    return AnnualReport.objects.select_related("org").get(pk=report.pk)


def _check_lines(
    report: AnnualReport, lines: list[ReportLineInput], certified: Counter[tuple[int, int | None]]
) -> None:
    """One line per occupation and level of the year's scope, with sensible numbers: at least
    as many assessed as the registry lists certified."""
    allowed = set(_scope_during(report.org, report.year).values_list("occupation_id", "level"))
    seen: set[tuple[int, int]] = set()
    for line in lines:
        key = (line.occupation_id, line.level)
        if key not in allowed:
            raise DomainError(
                "annual_report.outside_scope",
                "报告的职业和等级不在本年度的备案认定范围内",
                field="lines",
            )
        if key in seen:
            raise DomainError(
                "annual_report.duplicate_line", "同一职业等级只能填写一行", field="lines"
            )
        seen.add(key)
        if line.assessed < 0:
            raise DomainError("annual_report.negative", "参加认定人数不能为负数", field="lines")
        if certified[key] > line.assessed:
            raise DomainError(
                "annual_report.certified_exceeds_assessed",
                f"证书库中取得证书人数（{certified[key]}）多于所填参加认定人数（{line.assessed}）",
                field="lines",
            )


def annual_report_save(
    *,
    report: AnnualReport,
    lines: list[ReportLineInput],
    actor: Actor,
    examiner_changes: str = "",
    item_bank_changes: str = "",
    problems: str = "",
    fixes: str = "",
) -> AnnualReport:
    require_staff_of(actor, report.org)
    certified = _certified_counts(
        annual_roster_from_registry(org_id=report.org_id, year=report.year)
    )
    _check_lines(report, lines, certified)
    with transaction.atomic():
        report = _lock_report(report)
        if report.status != AnnualReportStatus.DRAFT:
            raise DomainError("annual_report.submitted", "年度报告已报送，不能修改")
        report.lines.all().delete()
        AnnualReportLine.objects.bulk_create(
            AnnualReportLine(
                report=report,
                occupation_id=line.occupation_id,
                level=line.level,
                assessed=line.assessed,
                certified=certified[(line.occupation_id, line.level)],
            )
            for line in lines
        )
        report.examiner_changes = examiner_changes.strip()
        report.item_bank_changes = item_bank_changes.strip()
        report.problems = problems.strip()
        report.fixes = fixes.strip()
        report.save()
        audit_record(
            actor=actor,
            action="annual_report.save",
            obj=report,
            changes={
                "assessed": [None, sum(line.assessed for line in lines)],
                "certified": [None, sum(certified[(ln.occupation_id, ln.level)] for ln in lines)],
            },
        )
    return report


def _late_line(org: EvaluationOrg, year: int, due: dt.date, actor: Actor) -> CreditEvent:
    """The (unsaved) integrity-file line saying the year's report missed `due`."""
    return CreditEvent(
        org=org,
        kind=CreditEventKind.LATE_REPORT,
        occurred_on=due + dt.timedelta(days=1),
        description=f"{year} 年度报告未在 {due} 前报送",
        report_year=year,
        actor=actor_user(actor),
    )


def _flag_late(org: EvaluationOrg, year: int, due: dt.date, actor: Actor) -> bool:
    """Write the year's late-report line once; True if it was new."""
    if CreditEvent.objects.filter(
        org=org, kind=CreditEventKind.LATE_REPORT, report_year=year
    ).exists():
        return False
    _late_line(org, year, due, actor).save(force_insert=True)
    return True


def _freeze_certified(report: AnnualReport, certified: Counter[tuple[int, int | None]]) -> None:
    """The lines' certified counts as the registry lists them at submission; certificates
    issued since the last save may leave a line with fewer assessed than certified."""
    lines = list(report.lines.select_for_update().order_by("pk"))
    for line in lines:
        line.certified = certified[(line.occupation_id, line.level)]
        if line.certified > line.assessed:
            raise DomainError(
                "annual_report.certified_exceeds_assessed",
                f"{line.occupation}{line.level_name}：证书库中取得证书人数（{line.certified}）"
                f"多于所填参加认定人数（{line.assessed}），请先修改后再报送",
                field="lines",
            )
    AnnualReportLine.objects.bulk_update(lines, ["certified"])


def annual_report_submit(*, report: AnnualReport, actor: Actor) -> AnnualReport:
    require_staff_of(actor, report.org)
    now = timezone.now()
    with transaction.atomic():
        report = _lock_report(report)
        if report.status != AnnualReportStatus.DRAFT:
            raise DomainError("annual_report.submitted", "年度报告已报送")
        if not (report.item_bank_changes and report.examiner_changes):
            raise DomainError(
                "annual_report.incomplete",
                "请填写题库（卷库）建设更新情况和考评人员变化情况后再报送",
                field="item_bank_changes",
            )
        roster = annual_roster_from_registry(org_id=report.org_id, year=report.year)
        _freeze_certified(report, _certified_counts(roster))
        due = due_date_for(org=report.org, year=report.year)
        report.roster = [entry.as_json() for entry in roster]
        report.status = AnnualReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor_user(actor)
        report.late = timezone.localdate(now) > due
        report.save(update_fields=["status", "submitted_at", "submitted_by", "late", "roster"])
        if report.late:
            _flag_late(report.org, report.year, due, actor)
        audit_record(
            actor=actor,
            action="annual_report.submit",
            obj=report,
            changes={
                "status": ["draft", "submitted"],
                "late": [None, report.late],
                "roster": [None, len(roster)],
            },
        )
    return report


def orgs_required_to_report(*, year: int) -> QuerySet[EvaluationOrg]:
    """Organisations that were filed during `year` and are still filed or suspended."""
    return EvaluationOrg.objects.filter(
        status__in=[OrgStatus.FILED, OrgStatus.SUSPENDED], valid_from__lte=dt.date(year, 12, 31)
    )


def annual_reports_overdue(
    *, scope: Scope, year: int, today: dt.date, unflagged_only: bool = False
) -> QuerySet[EvaluationOrg]:
    """Organisations in the officer's area whose report for `year` is past due and not
    submitted, annotated with `flagged` (already in the integrity file)."""
    orgs = orgs_required_to_report(year=year)
    if not scope.is_platform:
        orgs = orgs.filter(scope.region_q("region"))
    submitted = AnnualReport.objects.filter(
        org=OuterRef("pk"), year=year, status=AnnualReportStatus.SUBMITTED
    )
    flagged = CreditEvent.objects.filter(
        org=OuterRef("pk"), kind=CreditEventKind.LATE_REPORT, report_year=year
    )
    # Due dates vary by province (policy table): an organisation is overdue only after its
    # own province's date.
    orgs = orgs.annotate(has_report=Exists(submitted), flagged=Exists(flagged)).filter(
        has_report=False
    )
    if unflagged_only:
        orgs = orgs.filter(flagged=False)
    due_of = _due_dates(year)
    overdue_ids = [
        org_id
        for org_id, region_id in orgs.values_list("id", "region_id")
        if today > due_of(region_id[:2])
    ]
    return orgs.filter(pk__in=overdue_ids).select_related("region").order_by("region_id", "name")


def annual_reports_flag_overdue(*, year: int, actor: Actor, today: dt.date | None = None) -> int:
    """Write a late-report line into the integrity file of every overdue organisation the
    actor oversees. Idempotent (one line per organisation and year, enforced by a unique
    constraint); returns the number of organisations newly flagged."""
    today = today or timezone.localdate()
    scope = actor_scope(actor)
    if not scope.is_province_officer:
        raise Forbidden("org.forbidden", "逾期标记须由省级人社部门办理")
    with transaction.atomic():
        orgs = list(
            annual_reports_overdue(scope=scope, year=year, today=today, unflagged_only=True)
        )
        due_of = _due_dates(year)
        rows = [_late_line(org, year, due_of(org.region_id[:2]), actor) for org in orgs]
        CreditEvent.objects.bulk_create(rows, ignore_conflicts=True)
        audit_record(
            actor=actor,
            action="annual_report.flag_overdue",
            object_type="organizations.annualreport",
            object_id=str(year),
            object_repr=f"{year} 年度报告逾期标记",
            changes={"flagged": [None, [org.pk for org in orgs]]},
        )
    return len(rows)
