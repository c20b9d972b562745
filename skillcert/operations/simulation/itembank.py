"""Stage 9: the item bank, blueprints, assembled and sealed papers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from skillcert.accounts.actors import SIMULATION
from skillcert.common.errors import DomainError
from skillcert.itembank.content import content_clean
from skillcert.itembank.excel import items_to_xlsx, parse_items_xlsx
from skillcert.itembank.models import Item, ItemBankRoleKind, ItemStatus
from skillcert.itembank.services import (
    blueprint_create,
    itembank_role_grant,
    items_approve_bulk,
    items_import,
    items_submit_bulk,
    paper_assemble,
    paper_seal,
)
from skillcert.occupations.models import Element
from skillcert.operations.simulation.scenario import (
    EXAM_DAY,
    LEVELS,
    at,
    id_number,
)
from skillcert.operations.simulation.state import SimulationState
from skillcert.personnel.demo import hr_setter_rule_publish, question_setter_appoint
from skillcert.personnel.services import person_register
from skillcert.regions.models import Region

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.occupations.models import Occupation


class ItemBankStage(SimulationState):
    """Items written, reviewed, assembled into sealed papers."""

    def stage_item_bank(self) -> None:
        with self._stage("题库建设与组卷封存", at(dt.date(2026, 5, 20), 9)) as counts:
            setter = self._user("sim_setter", "命题专家")
            self._setter_appoint(setter)
            reviewer = self._user("sim_reviewer", "审题专家")
            manager = self.users["sim_sheng"]
            items = 0
            for occupation in self.occupations.values():
                for user, role in (
                    (setter, ItemBankRoleKind.SETTER),
                    (reviewer, ItemBankRoleKind.REVIEWER),
                    (manager, ItemBankRoleKind.MANAGER),
                ):
                    itembank_role_grant(
                        user=user, occupation=occupation, role=role, actor=SIMULATION
                    )
                    user.__dict__.pop("_itembank_scope", None)  # roles are cached per user
                elements = list(
                    Element.objects.filter(standard__occupation=occupation, parent=None).order_by(
                        "position"
                    )
                )
                for level in LEVELS:
                    items += _items_write(occupation, level, elements, setter, reviewer)
                    self._paper_assemble(occupation, level, elements, manager)
            counts["试题"] = items
            counts["试卷"] = len(self.papers)

    def _setter_appoint(self, setter: User) -> None:
        """The question setter is a registered person the province appointed for each
        occupation under its setter conditions (seed 001 §三: a 二级 certificate, the signed
        declaration and a confidentiality agreement), as the item bank's commission requires.
        劳动关系协调员 has published conditions; 企业人力资源管理师 gets the demo's stand-in."""
        sheng = self.users["sim_sheng"]
        city = self.cities[0]
        assert city.org is not None
        hr_setter_rule_publish(sheng)
        person = person_register(
            id_number=id_number(city.county, dt.date(1968, 8, 8), 999),
            name="命题专家",
            education="master",
            employer_name=f"{city.name}某高校",
            region=Region.objects.get(code=city.county),
            phone="13980000999",
            user=setter,
            actor=SIMULATION,
        )
        question_setter_appoint(
            person=person,
            occupations=list(self.occupations.values()),
            organization=city.org,
            on=dt.date(2026, 4, 1),
            actor=SIMULATION,
            officer=sheng,
        )

    def _paper_assemble(
        self, occupation: Occupation, level: int, elements: list[Element], manager: User
    ) -> None:
        cells = [
            {"element": e.code, "type": t, "count": c}
            for e in elements[:2]
            for t, c in (("single", 4), ("true_false", 1), ("multiple", 1))
        ]
        if level == 2:
            cells.append({"element": elements[0].code, "type": "subjective", "count": 1})
        blueprint = blueprint_create(
            occupation=occupation,
            level=level,
            name=f"{occupation.name}{level}级理论知识",
            cells=cells,
            difficulty_mean=0.55,
            difficulty_tolerance=0.1,
            actor=manager,
        )
        papers = paper_assemble(blueprint=blueprint, forms=1, seed=self.seed, actor=manager)
        for paper in papers:
            paper = paper_seal(paper=paper, release_at=at(EXAM_DAY, 7), actor=manager)
            self.papers[(occupation.code, level)] = paper


def _item_rows(occupation: Occupation, level: int, elements: list[Element]) -> list[dict[str, Any]]:
    """36 objective items (and 3 case studies at level 2), as rows of the Excel template,
    numbered on from the occupation's items so far (Q000001, ...)."""
    first = Item.objects.filter(occupation=occupation).count() + 1
    specs: list[tuple[Element, str, dict[str, Any], Decimal, float]] = []
    for n in range(36):
        element = elements[(n // 6) % len(elements)]
        kind = "multiple" if n % 6 == 5 else "true_false" if n % 6 == 4 else "single"
        content: dict[str, Any]
        if kind == "true_false":
            content = {"stem": f"{element.name}：判断题{n + 1}", "key": n % 2 == 0}
        else:
            content = {
                "stem": f"{element.name}：第{n + 1}题",
                "options": [f"选项{x}" for x in "ABCD"],
                "key": "AC" if kind == "multiple" else "ABCD"[n % 4],
            }
        specs.append((element, kind, content, Decimal(5), round(0.45 + 0.02 * (n % 10), 2)))
    if level == 2:
        for n in range(3):
            content = {"stem": f"案例分析{n + 1}", "answer": "要点", "scheme": "按要点给分"}
            specs.append((elements[n % len(elements)], "subjective", content, Decimal(40), 0.5))
    return [
        {
            "code": f"Q{first + i:06d}",
            "level": level,
            "element": element.code,
            "item_type": kind,
            "content": content_clean(kind, content, score=score),
            "score": score,
            "difficulty": difficulty,
            "enemy_group": "",
        }
        for i, (element, kind, content, score, difficulty) in enumerate(specs)
    ]


def _items_write(
    occupation: Occupation, level: int, elements: list[Element], setter: User, reviewer: User
) -> int:
    """The setter brings the level's items in one Excel file (the bank's template), submits
    them to the reviewer in one go, and the reviewer approves them in one go."""
    workbook = items_to_xlsx(_item_rows(occupation, level, elements))
    report = items_import(occupation=occupation, parsed=parse_items_xlsx(workbook), actor=setter)
    if report.errors:
        first = report.errors[0]
        raise DomainError(first.code, f"试题导入第{first.row}行：{first.message}")
    drafts = list(
        Item.objects.filter(
            occupation=occupation, level=level, author=setter, status=ItemStatus.DRAFT
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    items_submit_bulk(item_ids=drafts, reviewer=reviewer, actor=setter)
    items_approve_bulk(item_ids=drafts, actor=reviewer)
    return report.created
