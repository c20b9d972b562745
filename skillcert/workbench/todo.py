"""What waits for the signed-in user, by role: each entry of the registry is a small function
`(scope, user, today) -> TodoItem | None` (None when nothing waits), grouped by the role that
does the work. Counts come from the apps' scoped `todo_*` selectors, so a clerk of one
organisation never counts another's rows; each item links to the page where the work is done
and, where the domain sets one, carries its deadline counted in working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from skillcert.accounts.choices import Role
from skillcert.accounts.scope import Scope, scope_for
from skillcert.applications.choices import Tier
from skillcert.applications.selectors import (
    QueueFilters,
    review_queue,
    todo_applications_returned,
    todo_roster_imports_with_errors,
)
from skillcert.certificates.selectors import todo_corrections_to_decide, todo_results_to_issue
from skillcert.common.errors import DomainError
from skillcert.exams.selectors import todo_duties_upcoming, todo_tickets_upcoming
from skillcert.organizations.selectors import filing_review_queue, todo_annual_reports_due
from skillcert.personnel.selectors import todo_cards_to_collect, todo_offline_sessions_to_decide
from skillcert.plans.selectors import todo_plans_to_file, todo_plans_to_review
from skillcert.plans.services import FILING_LEAD_WORKDAYS
from skillcert.scoring.selectors import (
    todo_batches_awaiting_registration,
    todo_batches_ready_for_registration,
    todo_batches_to_submit,
    todo_norms_to_acknowledge,
    todo_panel_marks,
    todo_practical_sheets,
    todo_recheck_windows,
    todo_scripts_to_mark,
)
from skillcert.supervision.selectors import (
    todo_actions_to_respond,
    todo_actions_to_review,
    todo_complaints_handling,
    todo_complaints_to_triage,
    todo_visits_open,
)
from skillcert.workdays.selectors import work_calendar, workdays_between


@dataclass(frozen=True)
class Due:
    """A date the work is tied to. `workdays_left` counts the working days from today to
    `day` (negative once it has passed); None when the date is not a working-day deadline
    (an exam day) or the holiday calendar lacks the year (`note` says so)."""

    label: str
    day: dt.date
    workdays_left: int | None = None
    note: str = ""

    @property
    def text(self) -> str:
        head = f"{self.label}：{self.day:%Y-%m-%d}"
        if self.note:
            return f"{head}（{self.note}）"
        if self.workdays_left is None:
            return head
        if self.workdays_left < 0:
            return f"{head}（已逾期{-self.workdays_left}个工作日）"
        if self.workdays_left == 0:
            return f"{head}（今天截止）"
        return f"{head}（还剩{self.workdays_left}个工作日）"

    @property
    def overdue(self) -> bool:
        return self.workdays_left is not None and self.workdays_left < 0


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str
    count: int
    url: str
    due: Due | None = None


@dataclass(frozen=True)
class TodoGroup:
    role: str
    label: str
    items: list[TodoItem]


TodoRule = Callable[[Scope, Any, dt.date], "TodoItem | None"]
# How many rows wait, from (scope, user, today).
TodoCount = Callable[[Scope, Any, dt.date], int]


# --- working days ---------------------------------------------------------------------------


def _calendar_gap(error: DomainError) -> str:
    return "工作日历未录入该年份，无法计算工作日" if error.code == "workdays.year_missing" else ""


def workday_due(label: str, day: dt.date, today: dt.date) -> Due:
    """A deadline on `day`, with the working days left from `today` (those in (today, day])."""
    try:
        return Due(label, day, workdays_between(today, day))
    except DomainError as error:
        return Due(label, day, None, _calendar_gap(error) or error.message)


def filing_due(exam_day: dt.date, today: dt.date) -> Due:
    """The last day to file a plan whose first exam is on `exam_day`: the latest day with at
    least FILING_LEAD_WORKDAYS working days after it up to the exam day (what `plan_file`
    checks)."""
    calendar = work_calendar()
    try:
        seen = 0
        day = exam_day
        while True:
            if calendar.is_workday(day):
                seen += 1
                if seen == FILING_LEAD_WORKDAYS:
                    break
            day -= dt.timedelta(days=1)
        last_day = day - dt.timedelta(days=1)
    except DomainError as error:
        return Due("报备截止", exam_day, None, _calendar_gap(error) or error.message)
    due = workday_due("报备截止", last_day, today)
    return Due(due.label, last_day, due.workdays_left, due.note)


def _soonest(days: Sequence[dt.date | None]) -> dt.date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _item(key: str, label: str, count: int, url: str, due: Due | None = None) -> TodoItem | None:
    return TodoItem(key, label, count, url, due) if count > 0 else None


def _deadline_item(
    key: str,
    label: str,
    days: Sequence[dt.date | None],
    url: str,
    *,
    due_label: str,
    today: dt.date,
) -> TodoItem | None:
    """One item a waiting row, due by the soonest of their working-day deadlines."""
    soonest = _soonest(days)
    due = workday_due(due_label, soonest, today) if soonest else None
    return _item(key, label, len(days), url, due)


def _counted(key: str, label: str, page: str, count: TodoCount) -> TodoRule:
    """The rule for an item that is a count of waiting rows linking to one page (a URL name,
    with its query string after `?`)."""
    url_name, _, query = page.partition("?")

    def rule(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
        url = reverse(url_name) + (f"?{query}" if query else "")
        return _item(key, label, count(scope, user, today), url)

    return rule


# --- what to count --------------------------------------------------------------------------


def _scoped(selector: Callable[..., int]) -> TodoCount:
    """Rows of the user's scope."""
    return lambda scope, user, today: selector(scope=scope)


def _scoped_on_day(selector: Callable[..., int]) -> TodoCount:
    """Rows of the user's scope, as they stand today."""
    return lambda scope, user, today: selector(scope=scope, today=today)


def _assigned(selector: Callable[..., int]) -> TodoCount:
    """Rows given to the user in person (an examiner's scripts)."""
    return lambda scope, user, today: selector(user=user)


def _in_review(tier: str) -> TodoCount:
    def count(scope: Scope, user: Any, today: dt.date) -> int:
        return review_queue(scope=scope, filters=QueueFilters(tier=tier)).count()

    return count


def _filings_to_review(scope: Scope, user: Any, today: dt.date) -> int:
    return filing_review_queue(scope=scope).count()


def _visits_sent_by_officer(scope: Scope, user: Any, today: dt.date) -> int:
    return todo_visits_open(scope=scope) if scope.is_officer else 0


def _own_returned(scope: Scope, user: Any, today: dt.date) -> int:
    return todo_applications_returned(user_id=scope.user_id)


# Items that are a count of waiting rows linking to one page: (key, label, page, count).
_COUNTED_ROWS: tuple[tuple[str, str, str, TodoCount], ...] = (
    ("org.applications", "待初审的申报",
     "applications:review?tier=org", _in_review(Tier.ORG)),
    ("org.batches_to_submit", "成绩录入中、待提交的批次",
     "scoring:batches", _scoped(todo_batches_to_submit)),
    ("org.batches_to_register", "复查期已过、待提交登记备案的批次",
     "scoring:batches", _scoped_on_day(todo_batches_ready_for_registration)),
    ("org.results_to_issue", "已登记备案、待发证的合格成绩",
     "scoring:batches", _scoped(todo_results_to_issue)),
    ("city.applications", "复审抽中、待复审的申报",
     "applications:review?tier=city", _in_review(Tier.CITY)),
    ("province.applications", "终审抽中、待终审的申报",
     "applications:review?tier=province", _in_review(Tier.PROVINCE)),
    ("officer.org_filings", "待审核的评价机构备案",
     "organizations:filing_queue", _filings_to_review),
    ("officer.complaints_to_triage", "新收到、待分办的投诉举报",
     "supervision:complaints?status=received", _scoped(todo_complaints_to_triage)),
    ("officer.actions_to_review", "机构已报整改情况、待审核",
     "supervision:home", _scoped(todo_actions_to_review)),
    ("officer.visits_open", "已派出、待报告的督导",
     "supervision:home", _visits_sent_by_officer),
    ("province.batches_to_register", "机构已提交、待确认登记备案的成绩批次",
     "scoring:batches", _scoped(todo_batches_awaiting_registration)),
    ("province.corrections", "证书更正申请待审核",
     "certificates:corrections", _scoped(todo_corrections_to_decide)),
    ("province.offline_sessions", "线下培训申请待审核",
     "personnel:offline_sessions", _scoped(todo_offline_sessions_to_decide)),
    ("province.enterprise_norms", "企业评价规范待确认备案",
     "scoring:enterprise_plans?norms=filed", _scoped(todo_norms_to_acknowledge)),
    ("examiner.scripts", "待阅卷（含待仲裁）的答卷",
     "scoring:marking", _assigned(todo_scripts_to_mark)),
    ("examiner.practical", "待评分的操作技能考核",
     "scoring:work", _assigned(todo_practical_sheets)),
    ("examiner.panel", "待评分的综合评审",
     "scoring:work", _assigned(todo_panel_marks)),
    ("supervisor.visits", "派给我的督导任务（待报告）",
     "supervision:home", _scoped(todo_visits_open)),
    ("candidate.returned", "退回修改的申报",
     "applications:mine", _own_returned),
)  # fmt: skip
COUNTED: dict[str, TodoRule] = {row[0]: _counted(*row) for row in _COUNTED_ROWS}


# --- items with a deadline ------------------------------------------------------------------


def org_plans_to_file(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    days = todo_plans_to_file(scope=scope, today=today)
    soonest = _soonest(days)
    due = filing_due(soonest, today) if soonest else None
    return _item(
        "org.plans_to_file", "待报备（或退回修改）的评价计划", len(days), reverse("plans:list"), due
    )


def org_roster_errors(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    ids = todo_roster_imports_with_errors(scope=scope)
    if not ids:
        return None
    url = reverse("applications:roster_status", args=[ids[0]])
    return _item("org.roster_errors", "花名册导入有错误待处理", len(ids), url)


def org_corrective_actions(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    return _deadline_item(
        "org.corrective_actions",
        "督导及投诉查实问题待整改答复",
        todo_actions_to_respond(scope=scope),
        reverse("supervision:home"),
        due_label="整改期限",
        today=today,
    )


def org_annual_report(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    if len(scope.organization_ids) == 1:
        url = reverse("organizations:detail", args=[next(iter(scope.organization_ids))])
    else:
        url = reverse("organizations:list")
    return _deadline_item(
        "org.annual_report",
        "年度报告待报送",
        todo_annual_reports_due(scope=scope, today=today),
        url,
        due_label="报送期限",
        today=today,
    )


def officer_plans_to_review(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    return _deadline_item(
        "officer.plans_to_review",
        "已报备、待审核的评价计划",
        todo_plans_to_review(scope=scope, today=today),
        reverse("plans:list"),
        due_label="最近首场考核",
        today=today,
    )


def officer_complaints_handling(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    return _deadline_item(
        "officer.complaints_handling",
        "办理中的投诉举报",
        todo_complaints_handling(scope=scope),
        f"{reverse('supervision:complaints')}?status=handling",
        due_label="办理期限",
        today=today,
    )


def exam_day_duties(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    days = todo_duties_upcoming(user=user, today=today)
    due = Due("最近考务日期", days[0]) if days else None
    return _item("staff.duties", "即将到来的考务安排", len(days), reverse("exams:my_duties"), due)


def examiner_cards(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    days = todo_cards_to_collect(user_id=scope.user_id, today=today)
    due = workday_due("领取截止", days[0], today) if days else None
    return _item("examiner.cards", "资格证卡待领取", len(days), reverse("personnel:me"), due)


def candidate_tickets(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    days = todo_tickets_upcoming(user=user, today=today)
    due = Due("最近考试日期", days[0]) if days else None
    return _item(
        "candidate.tickets", "准考证待下载打印", len(days), reverse("exams:my_tickets"), due
    )


def candidate_rechecks(scope: Scope, user: Any, today: dt.date) -> TodoItem | None:
    days = todo_recheck_windows(user=user, today=today)
    due = workday_due("复查申请截止", days[0], today) if days else None
    return _item(
        "candidate.rechecks",
        "成绩已发布、可申请复查",
        len(days),
        reverse("scoring:my_results"),
        due,
    )


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleTodos:
    role: str
    label: str
    applies: Callable[[Scope], bool]
    rules: tuple[TodoRule, ...]


REGISTRY: tuple[RoleTodos, ...] = (
    RoleTodos(
        "org",
        "评价机构",
        lambda scope: scope.is_org_staff,
        (
            COUNTED["org.applications"],
            org_plans_to_file,
            org_roster_errors,
            COUNTED["org.batches_to_submit"],
            COUNTED["org.batches_to_register"],
            COUNTED["org.results_to_issue"],
            org_corrective_actions,
            org_annual_report,
        ),
    ),
    RoleTodos(
        "city",
        "市级人社部门",
        lambda scope: scope.has_role(Role.CITY_OFFICER),
        (
            COUNTED["city.applications"],
            officer_plans_to_review,
            COUNTED["officer.org_filings"],
            COUNTED["officer.complaints_to_triage"],
            officer_complaints_handling,
            COUNTED["officer.actions_to_review"],
            COUNTED["officer.visits_open"],
        ),
    ),
    RoleTodos(
        "province",
        "省级人社部门",
        lambda scope: scope.is_province_officer,
        (
            COUNTED["province.applications"],
            officer_plans_to_review,
            COUNTED["officer.org_filings"],
            COUNTED["province.batches_to_register"],
            COUNTED["province.corrections"],
            COUNTED["province.offline_sessions"],
            COUNTED["province.enterprise_norms"],
            COUNTED["officer.complaints_to_triage"],
            officer_complaints_handling,
            COUNTED["officer.actions_to_review"],
            COUNTED["officer.visits_open"],
        ),
    ),
    RoleTodos(
        "examiner",
        "考评员",
        lambda scope: scope.has_role(Role.EXAMINER),
        (
            COUNTED["examiner.scripts"],
            COUNTED["examiner.practical"],
            COUNTED["examiner.panel"],
            exam_day_duties,
            examiner_cards,
        ),
    ),
    RoleTodos(
        "supervisor",
        "质量督导员",
        lambda scope: scope.has_role(Role.SUPERVISOR),
        (COUNTED["supervisor.visits"], exam_day_duties),
    ),
    RoleTodos(
        "candidate",
        "考生",
        lambda scope: scope.has_role(Role.CANDIDATE),
        (COUNTED["candidate.returned"], candidate_tickets, candidate_rechecks),
    ),
)


def todo_for(*, user: Any, today: dt.date) -> list[TodoGroup]:
    """The user's to-do list, one group per role they hold that has work waiting. An item a
    user reaches through two roles (a city officer who is also a province officer) is listed
    once, under the first."""
    scope = scope_for(user)
    seen: set[str] = set()
    groups: list[TodoGroup] = []
    for entry in REGISTRY:
        if not entry.applies(scope):
            continue
        items: list[TodoItem] = []
        for rule in entry.rules:
            item = rule(scope, user, today)
            if item is not None and item.key not in seen:
                seen.add(item.key)
                items.append(item)
        if items:
            groups.append(TodoGroup(entry.role, entry.label, items))
    return groups
