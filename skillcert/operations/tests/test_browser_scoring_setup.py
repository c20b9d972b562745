"""Browser journey: scoring set-up on the web. The baseline (built with services, as the
candidate journey builds it) is organisation A's plan after its exam: two seated candidates
with admission tickets, a sealed objective paper, and examiners with accounts. Then only pages:
the clerk opens the result batch from the batch list, names the markers, the chief marker and
the practical examiners, designates the chief as the dedicated entry account and uploads the
answer file, waiting for the background job; the chief logs in, enters one practical score in
its row and the other from the batch's score sheet (downloaded from the entry page, filled in
and uploaded), submits the batch; the clerk sees it locked."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from skillcert.exams.models import AdmissionTicket
from skillcert.exams.tests.factories import approve
from skillcert.itembank.models import (
    Paper,
)
from skillcert.occupations.models import Standard
from skillcert.operations.tests.browser import BROWSER, download, log_in, shot
from skillcert.operations.tests.test_browser_journeys import open_plan, seat_the_plan
from skillcert.plans.tests.factories import make_candidate
from skillcert.regions.models import Region
from skillcert.scoring.models import BatchStatus, Result, ResultBatch
from skillcert.scoring.tests.conftest import _sealed_paper, scorers_with_accounts

pytestmark = BROWSER

# key: B, AC, 对, D (10 points each)
ANSWERS = (["B", "AC", "对", "D"], ["B", "A", "对", "C"])


def _objective_paper(occupation: Any, author: Any) -> Paper:
    """A sealed level-4 paper of four objective items (the province's item bank)."""
    standard = Standard.objects.get(occupation=occupation)
    return _sealed_paper(
        occupation, standard, author, code="P-E2E-A", item_prefix="E2E", subjective=False
    )


def _baseline(personas: Any, occupation: Any) -> tuple[Any, list[str], dict[str, Any]]:
    """The plan after its exam (EXAM_DAY lies in the past of every clock the suite runs
    with), its candidates' ticket numbers, and the people who will score it."""
    plan = open_plan(personas, occupation)
    approve(plan, [make_candidate(seq) for seq in (71, 72)], occupation, 4)
    seat_the_plan(personas, plan, occupation)
    tickets = list(
        AdmissionTicket.objects.filter(application__plan=plan)
        .order_by("application_id")
        .values_list("ticket_no", flat=True)
    )
    _objective_paper(occupation, personas.superuser)
    region = Region.objects.get(code="320505")
    rows = [(31, "阅卷甲", "e2e_m1"), (32, "阅卷乙", "e2e_m2"), (33, "主考丙", "e2e_chief")]
    rows += [(34, "考评丁", "e2e_e1"), (35, "考评戊", "e2e_e2"), (36, "考评己", "e2e_e3")]
    people = scorers_with_accounts(rows, occupation, region)
    return plan, tickets, people


def _check(page: Any, form: str, names: list[str], button: str) -> None:
    for name in names:
        page.locator(form).get_by_label(f"{name}（某大学）").check()
    page.locator(form).get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def test_clerk_sets_the_batch_up_and_the_chief_enters_and_submits(
    personas: Any, hr: Any, open_page: Any, screenshots: Path, tmp_path: Path
) -> None:
    plan, tickets, _people = _baseline(personas, hr)
    folder = screenshots

    clerk = open_page()
    log_in(clerk, "clerk_a")
    clerk.goto("/scoring/")
    shot(clerk, folder, "setup-01-awaiting", "待建立成绩批次的计划", plan.code)
    clerk.locator("tr", has_text=plan.code).get_by_role("button", name="建立成绩批次").click()
    shot(clerk, folder, "setup-02-opened", "已建立计划", "成绩批次设置", tickets[0])
    batch = ResultBatch.objects.get(plan=plan)

    _check(clerk, "#staff-marker", ["阅卷甲", "阅卷乙"], "保存阅卷员")
    shot(clerk, folder, "setup-03-markers", "已安排阅卷员 2 人")
    _check(clerk, "#staff-chief_marker", ["主考丙"], "保存阅卷组长")
    _check(clerk, "#staff-practical", ["考评丁", "考评戊"], "保存操作技能考评员")
    shot(clerk, folder, "setup-04-practical-refused", "单数")
    _check(clerk, "#staff-practical", ["考评丁", "考评戊", "考评己"], "保存操作技能考评员")
    shot(clerk, folder, "setup-05-staff", "已安排操作技能考评员 3 人")

    clerk.locator("#entry-account select").select_option(label="e2e_chief")
    clerk.locator("#entry-account").get_by_role("button", name="指定录入账号").click()
    shot(clerk, folder, "setup-06-entry-account", "已指定 e2e_chief 为成绩录入专用账号")

    answers = tmp_path / "answers.csv"
    answers.write_text(
        "candidate_id,form,1,2,3,4\n"
        + "".join(f"{t},A,{','.join(a)}\n" for t, a in zip(tickets, ANSWERS, strict=True)),
        encoding="utf-8",
    )
    clerk.locator("#responses select").select_option(label="P-E2E-A（企业人力资源管理师 4级）")
    clerk.locator("#responses input[type=file]").set_input_files(str(answers))
    clerk.locator("#responses").get_by_role("button", name="上传并评分").click()
    clerk.get_by_text("已完成客观题评分：2 名考生").wait_for()
    shot(clerk, folder, "setup-07-answers-scored", "已评分", "已完成客观题评分：2 名考生")
    theory = dict(Result.objects.filter(batch=batch).values_list("candidate_ref", "theory_score"))
    assert theory == {tickets[0]: Decimal(100), tickets[1]: Decimal(50)}

    # The organisation's everyday login is refused on the entry page.
    clerk.goto(f"/scoring/batches/{batch.pk}/entry/")
    shot(clerk, folder, "setup-08-clerk-refused", "只有本批次的成绩录入专用账号可以录入或确认成绩")

    chief = open_page()
    log_in(chief, "e2e_chief")
    chief.goto("/scoring/work/")
    shot(chief, folder, "setup-09-work", "我的评分任务", plan.code)
    chief.locator("tr", has_text=plan.code).get_by_role("link", name="成绩录入").click()
    shot(chief, folder, "setup-10-entry", "成绩录入", tickets[0], tickets[1])
    # The first practical score typed into its row; the second from the batch's score sheet,
    # downloaded from the page and filled in as an examiner's spreadsheet would be.
    row = chief.locator("tr", has_text=tickets[0])
    row.locator("form").first.locator("select[name=part]").select_option("practical")
    row.locator("form").first.locator("input[name=score]").fill("82")
    row.get_by_role("button", name="录入成绩").click()
    chief.wait_for_load_state("load")
    template = download(chief, "操作技能")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "考生编号" and rows[0][-1] == "成绩"
    assert sorted(str(r[0]) for r in rows[1:]) == sorted(tickets)
    filled = tmp_path / "practical.csv"
    with filled.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(rows[0])
        for r in rows[1:]:
            writer.writerow([*r[:-1], "75" if str(r[0]) == tickets[1] else ""])
    sheet = chief.locator("#score-sheet")
    sheet.get_by_label("科目").select_option("practical")
    sheet.get_by_label("成绩录入表").set_input_files(str(filled))
    sheet.get_by_role("button", name="上传并录入").click()
    shot(
        chief, folder, "setup-11-practical-entered",
        "已从成绩录入表录入1名考生的操作技能成绩", "82.0", "75.0",
    )  # fmt: skip
    chief.get_by_role("button", name="确认并提交本批次成绩").click()
    shot(chief, folder, "setup-12-submitted", "成绩已提交，录入已锁定")

    clerk.goto(f"/scoring/batches/{batch.pk}/")
    shot(clerk, folder, "setup-13-locked", "已提交（锁定）", "成绩批次已提交，设置已锁定")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED
    passed = dict(Result.objects.filter(batch=batch).values_list("candidate_ref", "passed"))
    assert passed == {tickets[0]: True, tickets[1]: False}
