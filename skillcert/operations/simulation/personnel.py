"""Stage 2: examiners, supervisors and markers through training, exam and card."""

from __future__ import annotations

import datetime as dt
import math
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
    from skillcert.personnel.models import TrainingPlan
from skillcert.personnel.demo import (
    examiner_file_record,
    examiner_plan,
    examiner_train,
    roles_appoint,
)
from skillcert.personnel.models import Person, RoleKind
from skillcert.personnel.services import (
    card_collect,
    card_issue,
    person_register,
    qualification_override_record,
)
from skillcert.regions.models import Region


class PersonnelStage(SimulationState):
    """Examiners and supervisors, trained and carded."""

    def _person(
        self, city: City, seq: int, name: str, user: User | None = None, *, both: bool = False
    ) -> Person:
        birth = dt.date(1970 + seq % 20, 1 + seq % 12, 1 + seq % 27)
        person = person_register(
            id_number=id_number(city.county, birth, 500 + seq),
            name=name,
            education="bachelor",
            employer_name=f"{city.name}某企业",
            region=Region.objects.get(code=city.county),
            phone=f"1398{int(city.code[:4]):04d}{seq % 1000:03d}",
            user=user,
            actor=SIMULATION,
        )
        occupations = self.occupations.values() if both else [self.occupations[HR]]
        examiner_file_record(
            person,
            certificates={
                occupation: f"SIM{city.code}{seq:06d}{occupation.code[-1]}"
                for occupation in occupations
            },
            issued_on=dt.date(2016, 6, 1),
            work=("人力资源与劳动关系管理", dt.date(2010, 7, 1)),
            title_on=dt.date(2014, 11, 1),
            actor=SIMULATION,
        )
        return person

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
            seq = 0
            cards = 0
            self._accounts(
                [
                    account
                    for city in self.cities
                    for account in [
                        *(
                            (f"sim_kp_{city.code}_{k:02d}", f"{city.name}考评员{k + 1}")
                            for k in range(7)
                        ),
                        *(
                            (f"sim_dd_{city.code}_{k}", f"{city.name}督导员{k + 1}")
                            for k in range(2)
                        ),
                    ]
                ]
            )
            for city in self.cities:
                # Rooms hold at most 36: two invigilators each meets 1 per 15 (≥ 2 per room).
                need = city.rooms * max(
                    policy.min_invigilators_theory, math.ceil(36 / policy.invigilator_per)
                )
                need += 4  # spares
                for k in range(need):
                    seq += 1
                    user = None
                    if k < 7:  # the people who mark, sit on panels and sign room records
                        user = self._user(
                            f"sim_kp_{city.code}_{k:02d}", f"{city.name}考评员{k + 1}"
                        )
                    person = self._person(city, seq, f"{city.name}考评员{k + 1}", user)
                    self._examiner_train(plan, person, city, seq)
                    cards += 1
                    city.staff.append(person)
                for k in range(2):
                    seq += 1
                    user = self._user(f"sim_dd_{city.code}_{k}", f"{city.name}督导员{k + 1}")
                    supervisor = self._person(
                        city, seq, f"{city.name}督导员{k + 1}", user, both=True
                    )
                    self._supervisor_appoint(supervisor, province)
                    city.staff.append(supervisor)
            counts["考评人员"] = seq
            counts["证卡"] = cards

    def _examiner_train(self, plan: TrainingPlan, person: Person, city: City, seq: int) -> None:
        """Registration to card for one examiner (企业人力资源管理师 only)."""
        sheng = self.users["sim_sheng"]
        assert city.officer
        reg = examiner_train(
            plan,
            person,
            occupation=self.occupations[HR],
            score=80 + seq % 20,
            actor=SIMULATION,
            city_officer=city.officer,
            province_officer=sheng,
        )
        # The generic examiner conditions stop at 三级; the simulated province lets its
        # examiners assess 二级 (panels) by a recorded decision until senior examiners exist.
        qualification_override_record(
            person=person,
            role=RoleKind.EXAMINER,
            occupation=self.occupations[HR],
            level_high=2,
            level_low=5,
            province=Region.objects.get(code=plan.province_id),
            reason="二级综合评审考评人员不足，省鉴定中心决定暂由本批考评员承担（模拟）",
            actor=sheng,
            today=dt.date(2026, 3, 30),
        )
        card = card_issue(registration=reg, actor=sheng, issued_on=dt.date(2026, 3, 30))
        card_collect(card=card, actor=SIMULATION, on=dt.date(2026, 3, 31))

    def _supervisor_appoint(self, supervisor: Person, province: Region) -> None:
        roles_appoint(
            supervisor,
            role=RoleKind.SUPERVISOR_EXTERNAL,
            occupations=self.occupations.values(),
            province=province,
            actor=self.users["sim_sheng"],
            on=dt.date(2026, 3, 31),
        )
