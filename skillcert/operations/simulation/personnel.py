"""Stage 2: examiners, supervisors and markers through training, exam and card."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from skillcert.accounts.actors import SIMULATION
from skillcert.accounts.models import User
from skillcert.exams.selectors import policy_for
from skillcert.operations.simulation.scenario import (
    HR,
    PROVINCE,
    City,
    at,
    id_number,
)
from skillcert.operations.simulation.state import SimulationState

if TYPE_CHECKING:
    from skillcert.exams.models import LogisticsPolicy
    from skillcert.personnel.models import CourseUnit, TrainingPlan
from skillcert.personnel.demo import (
    DECLARED_ON,
    course_schedule,
    course_units_seed,
    declaration_scan,
    examiner_entry,
    examiner_plan,
    roles_appoint,
)
from skillcert.personnel.models import Person, Registration, RoleKind
from skillcert.personnel.services import (
    Application,
    Completion,
    PersonEntry,
    cards_collect_bulk,
    cards_issue_bulk,
    course_completions_record_bulk,
    declaration_record,
    exam_results_record_bulk,
    people_register_bulk,
    pledge_sign,
    qualification_overrides_record_bulk,
    registrations_recommend_bulk,
    registrations_review_bulk,
    registrations_submit_bulk,
)
from skillcert.regions.models import Region

# A line of a city's intake sheet: the city, the person's number in the run, their entry and
# whether they are a quality supervisor (else an examiner).
_Intake = tuple[City, int, PersonEntry, bool]
# An examiner in training: the city, the registration and the person's number in the run.
_Trainee = tuple[City, Registration, int]


class PersonnelStage(SimulationState):
    """Examiners and supervisors, trained and carded."""

    def _entry(
        self,
        city: City,
        seq: int,
        name: str,
        user: User | None = None,
        *,
        county: Region,
        both: bool = False,
    ) -> PersonEntry:
        birth = dt.date(1970 + seq % 20, 1 + seq % 12, 1 + seq % 27)
        occupations = self.occupations.values() if both else [self.occupations[HR]]
        return examiner_entry(
            id_number=id_number(city.county, birth, 500 + seq),
            name=name,
            region=county,
            employer_name=f"{city.name}某企业",
            phone=f"1398{int(city.code[:4]):04d}{seq % 1000:03d}",
            user=user,
            certificates={
                occupation: f"SIM{city.code}{seq:06d}{occupation.code[-1]}"
                for occupation in occupations
            },
            issued_on=dt.date(2016, 6, 1),
            work=("人力资源与劳动关系管理", dt.date(2010, 7, 1)),
            title_on=dt.date(2014, 11, 1),
        )

    def stage_personnel(self) -> None:
        """Every examiner goes through the March training: registration, recommendation, city
        and province review, learning time, exam, pledge and card. Invigilators are examiners
        (监考由考评员担任); each site gets external quality supervisors appointed by the
        province."""
        with self._stage("考评人员培训与发卡", at(dt.date(2026, 3, 2), 10)) as counts:
            province = Region.objects.get(code=PROVINCE)
            sheng = self.users["sim_sheng"]
            policy = policy_for(province_code=PROVINCE)
            plan = examiner_plan(province, 2026, 3, sheng)
            counties = Region.objects.in_bulk([city.county for city in self.cities])
            self._intake_accounts()
            sheet = self._intake_sheet(policy, counties)
            trainees = self._intake_register(sheet, province)
            cards = self._examiners_train(plan, trainees)
            counts["考评人员"] = len(sheet)
            counts["证卡"] = cards

    def _intake_accounts(self) -> None:
        """The accounts of each city's first seven examiners and its two supervisors."""
        self._accounts(
            [
                account
                for city in self.cities
                for account in [
                    *(
                        (f"sim_kp_{city.code}_{k:02d}", f"{city.name}考评员{k + 1}")
                        for k in range(7)
                    ),
                    *((f"sim_dd_{city.code}_{k}", f"{city.name}督导员{k + 1}") for k in range(2)),
                ]
            ]
        )

    def _intake_sheet(
        self, policy: LogisticsPolicy, counties: Mapping[str, Region]
    ) -> list[_Intake]:
        """Each city's intake sheet: the examiners, then its two quality supervisors; each
        line numbered through the run."""
        sheet: list[_Intake] = []
        seq = 0
        for city in self.cities:
            county = counties[city.county]
            # Rooms hold at most 36: two invigilators each meets 1 per 15 (≥ 2 per room).
            need = city.rooms * max(
                policy.min_invigilators_theory, math.ceil(36 / policy.invigilator_per)
            )
            need += 4  # spares
            for k in range(need):
                seq += 1
                user = None
                if k < 7:  # the people who mark, sit on panels and sign room records
                    user = self._user(f"sim_kp_{city.code}_{k:02d}", f"{city.name}考评员{k + 1}")
                entry = self._entry(city, seq, f"{city.name}考评员{k + 1}", user, county=county)
                sheet.append((city, seq, entry, False))
            for k in range(2):
                seq += 1
                user = self._user(f"sim_dd_{city.code}_{k}", f"{city.name}督导员{k + 1}")
                entry = self._entry(
                    city, seq, f"{city.name}督导员{k + 1}", user, county=county, both=True
                )
                sheet.append((city, seq, entry, True))
        return sheet

    def _intake_register(
        self, sheet: list[_Intake], province: Region
    ) -> list[tuple[City, Person, int]]:
        """Everyone on the sheet registered with their declaration, the supervisors appointed;
        returns the examiners to train, with their numbers."""
        people = people_register_bulk(entries=[entry for _, _, entry, _ in sheet], actor=SIMULATION)
        trainees: list[tuple[City, Person, int]] = []
        for (city, n, _, supervisor), person in zip(sheet, people, strict=True):
            # The signed declaration comes as each person's own scan.
            declaration_record(
                person=person,
                signed_on=DECLARED_ON,
                upload=declaration_scan(person.name),
                actor=SIMULATION,
                today=DECLARED_ON,
            )
            if supervisor:
                self._supervisor_appoint(person, province)
            else:
                trainees.append((city, person, n))
            city.staff.append(person)
        return trainees

    def _examiners_train(self, plan: TrainingPlan, trainees: list[tuple[City, Person, int]]) -> int:
        """Registration to card for every examiner (企业人力资源管理师 only, 二级 to 五级):
        each registers on the publication day and signs the pledge; the employers'
        recommendations, the cities' 初审, the province's 复核, the course platform's
        completion file, the exam's score sheet and the cards go through the batch forms
        the officers use for a month's registrations. Returns the number of cards."""
        sheng = self.users["sim_sheng"]
        regs = self._examiners_register(plan, trainees)
        ids = [reg.pk for _, reg, _ in regs]
        registrations_recommend_bulk(plan=plan, registration_ids=ids, actor=SIMULATION)
        schedule = course_schedule(
            course_units_seed(plan.province, SIMULATION),
            first_day=plan.registration_closes_on,
            minutes=plan.required_minutes,
        )
        self._examiners_review(plan, regs)
        self._examiners_learn(plan, regs, schedule)
        exam_results_record_bulk(
            plan=plan, scores={reg.pk: 80 + seq % 20 for _, reg, seq in regs}, actor=SIMULATION
        )
        for _, reg, _ in regs:
            pledge_sign(registration=reg, actor=SIMULATION)
        self._examiners_qualify(plan, regs)
        cards = cards_issue_bulk(
            plan=plan, registration_ids=ids, actor=sheng, issued_on=dt.date(2026, 3, 30)
        )
        cards_collect_bulk(cards=cards, actor=SIMULATION, on=dt.date(2026, 3, 31))
        return len(cards)

    def _examiners_register(
        self, plan: TrainingPlan, trainees: list[tuple[City, Person, int]]
    ) -> list[_Trainee]:
        # Each examiner applies on the portal on the publication day; the portal's file
        # of the day's applications is handed over in one go.
        submitted = registrations_submit_bulk(
            plan=plan,
            applications=[
                Application(
                    person=person, occupation=self.occupations[HR], level_high=2, level_low=5
                )
                for _, person, _ in trainees
            ],
            actor=SIMULATION,
            today=plan.published_on,
        )
        return [(city, reg, seq) for (city, _, seq), reg in zip(trainees, submitted, strict=True)]

    def _examiners_review(self, plan: TrainingPlan, regs: list[_Trainee]) -> None:
        """Each city's 初审 of its examiners, then the province's 复核 of all."""
        for city in self.cities:
            assert city.officer
            mine = [reg.pk for c, reg, _ in regs if c is city]
            registrations_review_bulk(
                plan=plan,
                registration_ids=mine,
                review="city_review",
                approve=True,
                actor=city.officer,
            )
        registrations_review_bulk(
            plan=plan,
            registration_ids=[reg.pk for _, reg, _ in regs],
            review="province_review",
            approve=True,
            actor=self.users["sim_sheng"],
        )

    def _examiners_learn(
        self,
        plan: TrainingPlan,
        regs: list[_Trainee],
        schedule: list[tuple[CourseUnit, dt.date]],
    ) -> None:
        """Each city's file from the course platform: every unit of the schedule, for each
        of its examiners."""
        for city in self.cities:
            assert city.officer
            course_completions_record_bulk(
                plan=plan,
                completions=[
                    Completion(reg.pk, unit.pk, day)
                    for c, reg, _ in regs
                    if c is city
                    for unit, day in schedule
                ],
                actor=city.officer,
                today=plan.exam_on,
            )

    def _examiners_qualify(self, plan: TrainingPlan, regs: list[_Trainee]) -> None:
        # The generic examiner conditions stop at 三级; the simulated province lets its
        # examiners assess 二级 (panels) by one recorded decision naming them all, until
        # senior examiners exist.
        qualification_overrides_record_bulk(
            people=[reg.person for _, reg, _ in regs],
            role=RoleKind.EXAMINER,
            occupation=self.occupations[HR],
            level_high=2,
            level_low=5,
            province=Region.objects.get(code=plan.province_id),
            reason="二级综合评审考评人员不足，省鉴定中心决定暂由本批考评员承担（模拟）",
            actor=self.users["sim_sheng"],
            today=dt.date(2026, 3, 30),
        )

    def _supervisor_appoint(self, supervisor: Person, province: Region) -> None:
        roles_appoint(
            supervisor,
            role=RoleKind.SUPERVISOR_EXTERNAL,
            occupations=self.occupations.values(),
            province=province,
            actor=self.users["sim_sheng"],
            on=dt.date(2026, 3, 31),
        )
