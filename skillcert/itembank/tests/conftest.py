"""An occupation with a small element tree and the three item-bank roles in the province's
unified bank, on top of the shared personas."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import make_user
from skillcert.accounts.models import User
from skillcert.common.tests.module_rows import module_shares
from skillcert.itembank.models import Item, ItemBank, ItemBankRole, ItemBankRoleKind, Paper
from skillcert.itembank.services import (
    blueprint_create,
    item_approve,
    item_create,
    item_submit,
    paper_assemble,
)
from skillcert.itembank.tests.factories import hr_standard
from skillcert.occupations.models import Element, Occupation, Standard

PASSWORD = "Correct-Horse-2026"


@dataclass
class Bank:
    item_bank: ItemBank  # the province's unified bank
    occupation: Occupation
    other_occupation: Occupation
    standard: Standard
    elements: dict[str, Element]
    setter: User
    setter2: User
    reviewer: User
    manager: User
    manager2: User
    outsider_manager: User

    def choice(self, n: int = 0, **kw: Any) -> Item:
        """An item by `setter`, in draft."""
        args: dict[str, Any] = {
            "occupation": self.occupation,
            "level": 3,
            "element": self.elements["A-01"],
            "item_type": "single",
            "content": {"stem": f"机密题干{n}", "options": ["甲", "乙", "丙", "丁"], "key": "B"},
            "score": 1,
            "difficulty": 0.5,
            "actor": self.setter,
            "code": f"T{n:04d}",
        }
        args.update(kw)
        return item_create(**args)

    def active(self, n: int = 0, **kw: Any) -> Item:
        item = self.choice(n, **kw)
        item_submit(item=item, reviewer=self.reviewer, actor=self.setter)
        return item_approve(item=item, actor=self.reviewer)

    def paper(self) -> Paper:
        """An assembled paper of three active items, by `manager`."""
        for n in range(3):
            self.active(n)
        blueprint = blueprint_create(
            occupation=self.occupation,
            level=3,
            name="三级理论",
            cells=[{"element": "A", "type": "single", "count": 3}],
            difficulty_mean=0.5,
            difficulty_tolerance=0.1,
            actor=self.manager,
        )
        [paper] = paper_assemble(blueprint=blueprint, forms=1, seed=0, actor=self.manager)
        return paper


def _user(name: str) -> User:
    return make_user(name)


def build_bank() -> Bank:
    standard = hr_standard()
    occupation = standard.occupation
    other = Occupation.objects.create(code="4-07-05-03", name="劳动关系协调员")
    Standard.objects.create(
        occupation=other,
        kind="national",
        code="4-07-05-03",
        name="劳动关系协调员",
        edition_year=2020,
        levels=[4, 3, 2, 1],
    )
    a = Element.objects.create(standard=standard, code="A", name="人力资源规划", position=1)
    elements = {"A": a}
    for n, code in enumerate(["A-01", "A-02", "A-03"], start=2):
        elements[code] = Element.objects.create(
            standard=standard, parent=a, code=code, name=f"要素{code}", position=n
        )
    b = Element.objects.create(standard=standard, code="B", name="招聘与配置", position=10)
    elements["B"] = b
    elements["B-01"] = Element.objects.create(
        standard=standard, parent=b, code="B-01", name="招聘", position=11, levels=[2, 1]
    )
    people = {
        n: _user(n) for n in ["setter", "setter2", "reviewer", "manager", "manager2", "outsider"]
    }
    item_bank = ItemBank.objects.for_province()
    for name, role, occ in [
        ("setter", ItemBankRoleKind.SETTER, occupation),
        ("setter2", ItemBankRoleKind.SETTER, occupation),
        ("reviewer", ItemBankRoleKind.REVIEWER, occupation),
        ("manager", ItemBankRoleKind.MANAGER, occupation),
        ("manager2", ItemBankRoleKind.MANAGER, occupation),
        ("outsider", ItemBankRoleKind.MANAGER, other),
    ]:
        ItemBankRole.objects.create(user=people[name], bank=item_bank, occupation=occ, role=role)
    return Bank(
        item_bank,
        occupation,
        other,
        standard,
        elements,
        people["setter"],
        people["setter2"],
        people["reviewer"],
        people["manager"],
        people["manager2"],
        people["outsider"],
    )


@pytest.fixture(scope="module")
def _module_bank(request: pytest.FixtureRequest, _module_rows: bool) -> Bank | None:
    return build_bank() if module_shares(request, "bank") else None


@pytest.fixture
def bank(_module_bank: Bank | None, _copy_memo: dict[int, Any], db: Any) -> Bank:
    """The province's bank for 企业人力资源管理师 with its elements and people (built once for
    a module whose database tests all use it)."""
    return build_bank() if _module_bank is None else copy.deepcopy(_module_bank, _copy_memo)
