"""Stages 3-4: rosters and self-registration, then the three-tier review with sampling."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

import xlsxwriter

from skillcert.accounts.actors import SIMULATION
from skillcert.applications.importing import roster_import
from skillcert.applications.models import Application, Status, Tier
from skillcert.applications.roster import COLUMNS
from skillcert.applications.services import (
    application_create,
    application_review,
    application_submit,
    applications_approve_bulk,
    sample_draw,
)
from skillcert.candidates.services import candidate_register, work_period_add
from skillcert.operations.simulation.scenario import (
    HR,
    LEVELS,
    LR,
    City,
    at,
    id_number,
)
from skillcert.operations.simulation.state import SimulationState

if TYPE_CHECKING:
    from skillcert.plans.models import EvaluationPlan
from skillcert.plans.services import (
    plan_close,
    plan_create,
    plan_open,
)


class ApplicationStages(SimulationState):
    """Applications in, reviewed."""

    def _roster(self, city: City, people: list[tuple[str, int, dt.date, str, int | None]]) -> bytes:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        sheet = book.add_worksheet("花名册")
        headers = [c.header for c in COLUMNS]
        index = {h: i for i, h in enumerate(headers)}
        sheet.write_row(0, 0, headers)
        for row, (number, level, work_start, occupation, cert_level) in enumerate(people, 1):
            sheet.write_string(row, index["姓名"], f"{city.name}考生{row}")
            sheet.write_string(row, index["证件号码"], number)
            sheet.write_string(
                row, index["手机号码"], f"13{row % 10}{int(city.code[:4]):04d}{row:04d}"[:11]
            )
            sheet.write_string(row, index["职业编码"], occupation)
            sheet.write_number(row, index["申报等级"], level)
            sheet.write_string(row, index["参加本职业工作日期"], f"{work_start:%Y-%m-%d}")
            if cert_level is not None:
                sheet.write_number(row, index["现持证书等级"], cert_level)
                sheet.write_string(row, index["证书发证日期"], "2019-06-30")
        book.close()
        return buffer.getvalue()

    def _level(self) -> int:
        r = self.rng.random()
        return 4 if r < 0.62 else 3 if r < 0.93 else 2

    def stage_applications(self) -> None:
        when = at(dt.date(2026, 3, 16), 9)
        with self._stage("报名（花名册导入与个人申报）", when) as counts:
            bad_rows = ineligible = imported = self_registered = rejected_rows = 0
            error_codes: Counter[str] = Counter()
            for n, city in enumerate(self.cities):
                assert city.org and city.clerk
                city.plan = self._plan_open(city)
                own = self.scale.self_registered if n == 0 else 0
                people, bad, unfit = self._roster_people(city, city.candidates - own)
                bad_rows += bad
                ineligible += unfit
                outcome = roster_import(
                    plan=city.plan,
                    source=self._roster(city, people),
                    actor=city.clerk,
                    partial=True,
                )
                imported += outcome.imported
                rejected_rows += len(outcome.errors)
                error_codes.update(e.column or "整行" for e in outcome.errors)
                for k in range(own):
                    self._self_register(city, k)
                    self_registered += 1
            apps = Application.objects.filter(plan__code__startswith="SIM-2026-")
            counts["申报"] = apps.count()
            counts["花名册导入"] = imported
            counts["花名册错误行（已报告）"] = rejected_rows
            counts["条件不符（预期）"] = ineligible
            counts["错误所在列"] = "、".join(f"{c} {n}" for c, n in error_codes.most_common())
            counts["个人申报"] = self_registered
            self.expected["roster_errors"] = bad_rows + ineligible
            self.expected["roster_errors_seen"] = rejected_rows

    def _plan_open(self, city: City) -> EvaluationPlan:
        assert city.org and city.clerk
        plan = plan_create(
            code=f"SIM-2026-{city.code}",
            title=f"2026年江苏省两师统考（{city.name}考区）",
            organization=city.org,
            window_opens=dt.date(2026, 3, 16),
            window_closes=dt.date(2026, 4, 30),
            capacity=city.candidates + 50,
            offerings=[(o, lv) for o in self.occupations.values() for lv in LEVELS],
            actor=city.clerk,
            city_sample_rate=Decimal("0.10"),
            province_sample_rate=Decimal("0.05"),
        )
        return plan_open(plan=plan, actor=city.clerk)

    def _roster_people(
        self, city: City, rostered: int
    ) -> tuple[list[tuple[str, int, dt.date, str, int | None]], int, int]:
        """The roster's rows, a few with a bad check digit and a few ineligible (both
        expected to be reported, not imported); returns (rows, bad, ineligible)."""
        bad_rows = ineligible = 0
        people: list[tuple[str, int, dt.date, str, int | None]] = []
        for k in range(rostered):
            level = self._level()
            occupation = HR if self.rng.random() < 0.7 else LR
            birth = dt.date(1975 + k % 25, 1 + k % 12, 1 + k % 28)
            years = {4: 6, 3: 10, 2: 14}[level]
            work = dt.date(2026 - years - self.rng.randint(0, 3), 1, 1)
            cert = {4: None, 3: 4, 2: 3}[level]
            number = id_number(city.county, birth, k)
            if self.rng.random() < 0.004:
                number = number[:-1] + ("0" if number[-1] != "0" else "1")  # bad check digit
                bad_rows += 1
            elif self.rng.random() < 0.006:
                work = dt.date(2025, 1, 1)  # far too little experience: ineligible
                ineligible += 1
            people.append((number, level, work, occupation, cert))
        return people, bad_rows, ineligible

    def _self_register(self, city: City, k: int) -> None:
        """A candidate who registers an account and applies on their own."""
        assert city.plan
        birth = dt.date(1985, 1 + k % 12, 1 + k % 28)
        number = id_number(city.county, birth, 900 + k)
        candidate = candidate_register(
            username=f"sim_ks_{k:03d}",
            password="",
            password_hash=self._password_hash(),
            actor=SIMULATION,
            full_name=f"{city.name}自主报名{k + 1}",
            id_number=number,
            phone=f"1370000{k:04d}",
        ).candidate
        assert candidate is not None and candidate.user is not None
        self.users[f"sim_ks_{k:03d}"] = candidate.user
        work_period_add(
            candidate=candidate,
            employer="南京某人力资源公司",
            start=dt.date(2016, 3, 1),
            end=None,
            occupation_name="企业人力资源管理",
            related=True,
            actor=candidate.user,
        )
        app = application_create(
            candidate=candidate,
            plan=city.plan,
            occupation=self.occupations[HR],
            level=4,
            actor=candidate.user,
        )
        application_submit(application=app, actor=candidate.user)

    # --- 4. three-tier review with sampling ------------------------------------------------

    def stage_review(self) -> None:
        with self._stage(
            "三级审核（机构初审、市级抽样复审、省级抽样终审）", at(dt.date(2026, 5, 6), 9)
        ) as counts:
            sheng = self.users["sim_sheng"]
            returned = rejected = 0
            for city in self.cities:
                assert city.plan and city.clerk and city.officer
                # The window closed on 30 April: no new applications, reviews go on.
                city.plan = plan_close(plan=city.plan, actor=city.clerk)
                queue = list(
                    Application.objects.filter(plan=city.plan, status=Status.ORG_REVIEW)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                # The clerk returns one application for a missing document and rejects one.
                if len(queue) > 10:
                    for pk, decision, reason in (
                        (queue[3], "return", "请补充单位出具的工作年限证明"),
                        (queue[5], "reject", "工作年限证明与社保记录不符"),
                    ):
                        application_review(
                            application=Application.objects.get(pk=pk),
                            tier=Tier.ORG,
                            decision=decision,
                            reason=reason,
                            actor=city.clerk,
                        )
                    returned += 1
                    rejected += 1
                applications_approve_bulk(application_ids=queue, tier=Tier.ORG, actor=city.clerk)
                draw = sample_draw(
                    plan=city.plan, tier=Tier.CITY, actor=city.officer, seed=self.seed
                )
                applications_approve_bulk(
                    application_ids=draw.sampled, tier=Tier.CITY, actor=city.officer
                )
                draw = sample_draw(plan=city.plan, tier=Tier.PROVINCE, actor=sheng, seed=self.seed)
                applications_approve_bulk(
                    application_ids=draw.sampled, tier=Tier.PROVINCE, actor=sheng
                )
            statuses = Counter(
                Application.objects.filter(plan__code__startswith="SIM-2026-").values_list(
                    "status", flat=True
                )
            )
            counts["通过"] = statuses.get(Status.APPROVED, 0)
            counts["退回"] = returned
            counts["不通过"] = rejected
            counts["其他状态"] = sum(v for k, v in statuses.items() if k != Status.APPROVED)
