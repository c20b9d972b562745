"""The whole run, stage after stage on the simulated clock, ended by the consistency check."""

from __future__ import annotations

import datetime as dt
import time

from skillcert.common.errors import DomainError
from skillcert.exams.models import Sitting
from skillcert.operations.simulation.applications import ApplicationStages
from skillcert.operations.simulation.certificates import CertificateStages
from skillcert.operations.simulation.consistency import ConsistencyCheck
from skillcert.operations.simulation.examday import ExamDayStage
from skillcert.operations.simulation.itembank import ItemBankStage
from skillcert.operations.simulation.personnel import PersonnelStage
from skillcert.operations.simulation.scenario import EXAM_DAY, POSTPONED_DAY, SITTING_CODE, Report
from skillcert.operations.simulation.scoring import ScoringStages
from skillcert.operations.simulation.setup import SetupStage
from skillcert.operations.simulation.sitting import SittingStages


class Simulation(
    SetupStage,
    PersonnelStage,
    ApplicationStages,
    SittingStages,
    ItemBankStage,
    ExamDayStage,
    ScoringStages,
    CertificateStages,
    ConsistencyCheck,
):
    def run(self) -> Report:
        if Sitting.objects.filter(code=SITTING_CODE).exists():
            raise DomainError(
                "simulate.exists", "数据库中已有模拟统考（SIM-JS-2026），请在新数据库中运行"
            )
        started = time.perf_counter()
        self.stage_setup()
        self.stage_personnel()
        self.stage_applications()
        self.stage_review()
        self.stage_plan_filing()
        self.stage_onsite_supervisors()
        self.stage_sitting()
        self.stage_seating_and_staff()
        self.stage_postpone()
        self.stage_item_bank()
        self.stage_exam_day(self._main_cities(), EXAM_DAY, "考试实施")
        self.stage_exam_day(self._postponed_cities(), POSTPONED_DAY, "考试实施（常州延期场）")
        self.stage_scoring(self._main_cities(), EXAM_DAY + dt.timedelta(days=3), "阅卷评分")
        self.stage_scoring(
            self._postponed_cities(), POSTPONED_DAY + dt.timedelta(days=3), "阅卷评分（常州）"
        )
        self.stage_publication()
        self.stage_registration()
        self.stage_certificates()
        self.stage_verification()
        total = time.perf_counter() - started
        if self.pdfs:
            self.stage_pdfs()
        self.consistency_check()
        self.out(f"模拟完成，共 {total:.1f} 秒")
        return self.report
