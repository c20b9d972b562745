"""Browser journey: item-bank authoring. The baseline (built with services and fixtures) is an
occupation with its standard, element tree and theory weight table, a bank manager of the
province's unified bank for it, and a person the province appointed question setter. Then only
pages: the manager opens 题库 from the menu, writes a single-choice item, creates a blueprint
from the weight table, and commissions the question setter on 题库人员."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import make_user
from skillcert.itembank.models import (
    AssemblyBlueprint,
    Item,
    ItemBank,
    ItemBankRole,
    ItemBankRoleKind,
)
from skillcert.itembank.tests.factories import hr_standard, theory_weights
from skillcert.occupations.models import Element, Occupation
from skillcert.operations.tests.browser import BROWSER, log_in, shot
from skillcert.plans.tests.factories import appointed_setter

pytestmark = BROWSER

STEM = "机密题干：劳动合同试用期最长为多久"


def _baseline(organization: Any) -> Occupation:
    standard = hr_standard()
    occupation = standard.occupation
    for position, (code, name) in enumerate([("A", "人力资源规划"), ("B", "招聘与配置")]):
        Element.objects.create(standard=standard, code=code, name=name, position=position)
    theory_weights(standard, [("人力资源规划", 60), ("招聘与配置", 40)])
    manager, setter = make_user("bank_manager"), make_user("new_setter")
    # The province appointed new_setter question setter for this occupation (seed 001 §三),
    # with a confidentiality agreement: what the 命题人员 role requires.
    appointed_setter(setter, occupation, organization)
    ItemBankRole.objects.create(
        user=manager,
        bank=ItemBank.objects.for_province(),
        occupation=occupation,
        role=ItemBankRoleKind.MANAGER,
    )
    return occupation


def test_bank_manager_writes_an_item_a_blueprint_and_commissions_a_setter(
    open_page: Any, screenshots: Path, personas: Any
) -> None:
    occupation = _baseline(personas.org_a)
    page = open_page()
    log_in(page, "bank_manager")
    page.get_by_role("navigation").get_by_role("link", name="题库").click()
    shot(page, screenshots, "itembank-01-list", "题库", "新建试题", "题库人员")

    # 新建试题
    page.locator("main").get_by_role("link", name="新建试题").click()
    page.select_option("#f-occupation", str(occupation.pk))
    page.get_by_role("button", name="下一步").click()
    shot(page, screenshots, "itembank-02-item-form", "新建试题", "题干", "选项", "答案")
    page.select_option("#id_level", "3")
    page.select_option("#id_element", label="A 人力资源规划")
    page.select_option("#id_item_type", "single")
    page.fill("#id_stem", STEM)
    page.fill("#id_options", "一个月\n三个月\n六个月\n一年")
    page.fill("#id_key", "E")  # not an option: refused beside the key
    page.get_by_role("button", name="保存").click()
    shot(page, screenshots, "itembank-03-item-error", "答案应为 ABCD 中的字母")
    assert not Item.objects.exists()
    page.fill("#id_key", "C")
    page.get_by_role("button", name="保存").click()
    body = shot(page, screenshots, "itembank-04-item-saved", "已保存试题", "草稿", "六个月")
    item = Item.objects.get()
    assert item.content["key"] == "C" and "劳动合同" not in page.url
    assert f"/itembank/items/{item.pk}/" in page.url and item.code in body

    # 新建组卷蓝图
    page.get_by_role("navigation").get_by_role("link", name="题库").click()
    page.locator("main").get_by_role("link", name="组卷与试卷").click()
    page.locator("main").get_by_role("link", name="新建组卷蓝图").click()
    page.select_option("#f-occupation", str(occupation.pk))
    page.get_by_role("button", name="下一步").click()
    shot(page, screenshots, "itembank-05-blueprint-form", "新建组卷蓝图", "比重表")
    page.fill("#id_name", "三级理论知识")
    page.select_option("#id_level", "3")
    page.fill("#id_count_single", "10")
    page.get_by_role("button", name="创建蓝图").click()
    shot(page, screenshots, "itembank-06-blueprint-saved", "已创建组卷蓝图", "三级理论知识")
    bp = AssemblyBlueprint.objects.get()
    assert sorted((c["element"], c["count"]) for c in bp.cells) == [("A", 6), ("B", 4)]

    # 题库人员: commission a question setter
    page.get_by_role("navigation").get_by_role("link", name="题库").click()
    page.locator("main").get_by_role("link", name="题库人员").click()
    page.fill("#id_username", "new_setter")
    page.select_option("#id_occupation", str(occupation.pk))
    page.select_option("#id_role", "setter")
    page.select_option("#id_bank", index=1)
    page.get_by_role("button", name="授予").click()
    shot(page, screenshots, "itembank-07-role-granted", "已授予", "new_setter", "命题人员")
    assert ItemBankRole.objects.filter(
        user__username="new_setter", occupation=occupation, role="setter", active=True
    ).exists()
