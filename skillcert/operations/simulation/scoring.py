"""Stages 11-13: scoring, publication with re-checks, registration."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from skillcert.exams.models import (
    Attendance,
    Seat,
    TimeSlot,
)
from skillcert.itembank.models import Paper
from skillcert.operations.simulation.scenario import (
    POSTPONED,
    City,
    at,
)
from skillcert.operations.simulation.state import SimulationState

if TYPE_CHECKING:
    from skillcert.accounts.actors import Actor
    from skillcert.accounts.models import User
    from skillcert.personnel.models import Person
from skillcert.plans.models import Subject
from skillcert.scoring.models import (
    BatchDuty,
    BatchStatus,
    Mark,
    PartState,
    Result,
    ResultBatch,
    Script,
    ScriptStatus,
)
from skillcert.scoring.services import (
    PartStateRow,
    batch_entry_account_set,
    batch_open,
    batch_publish,
    batch_register,
    batch_registration_submit,
    batch_submit,
    form_letter,
    marks_submit_bulk,
    panel_marks_submit_bulk,
    paper_objective_key,
    practical_sheets_submit_bulk,
    recheck_complete,
    recheck_request,
    responses_score,
    results_part_state_set_bulk,
    results_score_enter_bulk,
    script_arbitrate,
    scripts_create,
    staff_set,
)


class ScoringStages(SimulationState):
    """Results marked, published and registered."""

    def stage_scoring(self, cities: list[City], day: dt.date, name: str) -> None:
        with self._stage(name, at(day, 9)) as counts:
            counts.update(
                dict.fromkeys(("客观题评分", "主观题评阅", "专业能力", "综合评审", "作废"), 0)
            )
            batches = {city.code: self._batch_prepare(city, counts) for city in cities}
            # The province's assessment centre scores each paper's answer file (the computer-
            # based test export) centrally, for every district that sat it.
            sheng = self.users["sim_sheng"]
            by_paper: dict[tuple[str, int | None], list[Result]] = defaultdict(list)
            for result in (
                Result.objects.filter(batch__in=batches.values(), theory_state=PartState.PENDING)
                .select_related("occupation")
                .order_by("pk")
            ):
                by_paper[(result.occupation.code, result.level)].append(result)
            for key, rows in sorted(by_paper.items()):
                paper = self.papers[key]
                report = responses_score(
                    paper_code=paper.code, text=self._responses_csv(paper, rows, sheng), actor=sheng
                )
                counts["客观题评分"] += len(report.rows)
            for city in cities:
                self._batch_mark(city, batches[city.code], counts)

    def _batch_prepare(self, city: City, counts: dict[str, Any]) -> ResultBatch:
        """Open the batch, name markers, examiners and panel, and record who was absent and
        whose paper was voided (never a silent zero)."""
        assert city.plan and city.clerk and city.district
        batch = batch_open(plan=city.plan, actor=city.clerk)
        markers = [p for p in city.staff if p.user_id][:7]
        staff_set(
            batch=batch, duty=BatchDuty.MARKER, people=[*markers[:2], markers[6]], actor=city.clerk
        )
        staff_set(batch=batch, duty=BatchDuty.CHIEF_MARKER, people=markers[2:3], actor=city.clerk)
        staff_set(batch=batch, duty=BatchDuty.PANEL, people=markers[3:6], actor=city.clerk)
        staff_set(batch=batch, duty=BatchDuty.PRACTICAL, people=markers[3:6], actor=city.clerk)
        # The chief examiner's account is the batch's dedicated result-entry account.
        city.entry = markers[2].user
        assert city.entry is not None
        batch_entry_account_set(batch=batch, user=city.entry, actor=city.clerk)
        slot = TimeSlot.objects.get(district=city.district, subject=Subject.THEORY)
        attendance = dict(
            Attendance.objects.filter(seat__slot=slot).values_list("seat__application_id", "status")
        )
        voids = set(
            Seat.objects.filter(slot=slot, misconduct__decision="subject_void").values_list(
                "application_id", flat=True
            )
        )
        # The entry account confirms the exam day's absence and misconduct list in one call.
        rows: list[PartStateRow] = []
        for result in Result.objects.filter(batch=batch).order_by("pk"):
            if attendance.get(result.application_id) != "present":
                parts = ["theory", "practical"]
                if result.panel_state == PartState.PENDING:
                    parts.append("panel")
                rows += [PartStateRow(result.pk, part, PartState.ABSENT, "缺考") for part in parts]
            elif result.application_id in voids:
                rows.append(
                    PartStateRow(result.pk, "theory", PartState.VOIDED, "违纪：携带手机作弊")
                )
                counts["作废"] += 1
        results_part_state_set_bulk(batch=batch, rows=rows, actor=city.entry)
        return batch

    def _batch_mark(self, city: City, batch: ResultBatch, counts: dict[str, Any]) -> None:
        assert city.clerk and city.entry
        markers = [p for p in city.staff if p.user_id][:7]
        for paper in {p for (_, level), p in self.papers.items() if level == 2}:
            if Result.objects.filter(batch=batch, theory_paper=paper).exists():
                scripts_create(batch=batch, paper=paper, actor=city.clerk)
        # Blind double marking; a wide gap calls a third marker, then the chief arbitrates.
        # Each marker hands in their marking sheet (first and second marks) as one file, then
        # the third markers theirs.
        for third_round in (False, True):
            counts["主观题评阅"] += _marking_sheets_submit(batch, third_round=third_round)
        for script in Script.objects.filter(
            result__batch=batch, status=ScriptStatus.NEEDS_ARBITRATION
        ).order_by("pk"):
            base = 16 + (script.pk * 7) % 12
            script_arbitrate(script=script, score=base + 4, actor=_account(markers[2].user))
        counts["专业能力"] += _practical_score(batch, examiners=markers[3:6], entry=city.entry)
        # Each panel member hands in one marking sheet for the batch's panel candidates.
        panel = list(
            Result.objects.filter(batch=batch, panel_state=PartState.PENDING).values_list(
                "pk", flat=True
            )
        )
        for member in markers[3:6]:
            counts["综合评审"] += panel_marks_submit_bulk(
                batch=batch,
                scores={pk: 60 + (pk * 11) % 35 for pk in panel},
                actor=_account(member.user),
            )
        batch_submit(batch=batch, actor=city.entry)

    def _responses_csv(self, paper: Paper, rows: list[Result], actor: Actor) -> str:
        key, _items = paper_objective_key(paper=paper, actor=actor)
        letters = []
        for kind, mask in zip(key.types, key.keys, strict=True):
            if kind == "true_false":
                letters.append(("对" if mask & 1 else "错", "错" if mask & 1 else "对"))
            else:
                right = "".join(ch for bit, ch in enumerate("ABCDEFGH") if mask >> bit & 1)
                wrong = "B" if right != "B" else "C"
                letters.append((right, wrong))
        out = ["candidate_id,form," + ",".join(str(i) for i in range(1, len(letters) + 1))]
        form = form_letter(paper)
        for result in rows:
            ability = 0.45 + (result.pk * 37 % 100) / 200
            answers = [right if self.rng.random() < ability else wrong for right, wrong in letters]
            out.append(",".join([result.candidate_ref, form, *answers]))
        return "\n".join(out) + "\n"

    # --- 12. publication and re-check ------------------------------------------------------

    def stage_publication(self) -> None:
        for cities, day in (
            (self._main_cities(), dt.date(2026, 6, 29)),
            (self._postponed_cities(), dt.date(2026, 7, 27)),
        ):
            suffix = "（常州）" if cities and cities[0].code == POSTPONED else ""
            with self._stage("成绩发布与复查" + suffix, at(day, 9)) as counts:
                rechecks = 0
                for city in cities:
                    assert city.plan and city.clerk
                    assert city.officer
                    batch = ResultBatch.objects.get(plan=city.plan)
                    batch_publish(batch=batch, actor=city.officer)
                    # Candidates with their own accounts who scored lowest ask for a re-check
                    # of the theory paper (re-added and re-recorded, not re-marked).
                    near = (
                        Result.objects.filter(
                            batch=batch,
                            theory_score__isnull=False,
                            application__candidate__user__isnull=False,
                        )
                        .select_related("application__candidate__user")
                        .order_by("theory_score", "pk")[:2]
                    )
                    for result in near:
                        request = recheck_request(
                            result=result,
                            subject="theory",
                            reason="对理论知识成绩有疑问",
                            actor=_account(result.application.candidate.user),
                        )
                        recheck_complete(
                            recheck=request, outcome="复核无误，维持原成绩", actor=city.clerk
                        )
                        rechecks += 1
                counts["发布批次"] = len(cities)
                counts["复查"] = rechecks

    # --- 13. registration ------------------------------------------------------------------

    def stage_registration(self) -> None:
        for cities, day in (
            (self._main_cities(), dt.date(2026, 7, 21)),
            (self._postponed_cities(), dt.date(2026, 8, 18)),
        ):
            suffix = "（常州）" if cities and cities[0].code == POSTPONED else ""
            with self._stage("登记备案" + suffix, at(day, 9)) as counts:
                for city in cities:
                    assert city.clerk and city.officer
                    batch = ResultBatch.objects.get(plan=city.plan)
                    batch_registration_submit(batch=batch, actor=city.clerk)
                    batch_register(batch=batch, actor=city.officer)
                counts["登记批次"] = len(cities)
                counts["登记成绩"] = Result.objects.filter(
                    batch__plan__code__startswith="SIM-2026-", batch__status=BatchStatus.REGISTERED
                ).count()


def _marking_sheets_submit(batch: ResultBatch, *, third_round: bool) -> int:
    """Every marker's sheet of the batch's open marks (the third marks in the third round),
    handed in by each marker in turn; returns how many marks were recorded."""
    marking: dict[int, dict[int, int]] = defaultdict(dict)
    users: dict[int, User] = {}
    for mark in (
        Mark.objects.filter(script__result__batch=batch, score__isnull=True)
        .select_related("marker__user")
        .order_by("pk")
    ):
        base = 16 + (mark.script_id * 7) % 12
        if third_round:
            score = base + 5
        else:
            score = base + (12 if mark.round == 2 and mark.script_id % 9 == 0 else 0)
        marking[mark.marker_id][mark.pk] = score
        users[mark.marker_id] = _account(mark.marker.user)
    return sum(
        marks_submit_bulk(batch=batch, scores=marking[marker_id], actor=users[marker_id])
        for marker_id in sorted(marking)
    )


def _practical_score(batch: ResultBatch, *, examiners: list[Person], entry: User) -> int:
    """The batch's pending practical parts scored; returns how many."""
    # 专业能力: three examiners' scoring sheets for the first room's worth of candidates,
    # the dedicated account's entry (paper sheets scored outside the platform) for the rest.
    # Each examiner hands in their sheets for the room as one file.
    sheets: dict[int, list[dict[str, Any]]] = {}
    entered: dict[int, int] = {}
    for pk in (
        Result.objects.filter(batch=batch, practical_state=PartState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        score = 52 + (pk * 13) % 45
        if len(sheets) < 30:
            sheets[pk] = [
                {"item": "1", "max": 50, "score": score / 2},
                {"item": "2", "max": 50, "score": score / 2},
            ]
        else:
            entered[pk] = score
    if sheets:
        for examiner in examiners:
            practical_sheets_submit_bulk(batch=batch, sheets=sheets, actor=_account(examiner.user))
    # The paper sheets' scores arrive as one file, entered in one call.
    results_score_enter_bulk(batch=batch, part="practical", scores=entered, actor=entry)
    return len(sheets) + len(entered)


def _account(user: User | None) -> User:
    """The account of a person the simulation gave one (markers, examiners, candidates)."""
    assert user is not None
    return user
