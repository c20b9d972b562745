"""The public pages on a phone (390×844): the landing page and its services, the directory
searched by a place name and by an occupation name, the catalogue, the certificate query and
the complaint form's regions. Every page must fit the screen's width (lists become cards) and
pass axe-core with no serious or critical violation. The organisations, the catalogue and the
certificate are set up through services and factories; the visitor only clicks and types."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from skillcert.accounts.actors import SystemActor
from skillcert.certificates.models import Certificate
from skillcert.certificates.services import Holder, certificate_issue_for
from skillcert.occupations.models import Occupation, Standard
from skillcert.operations.tests.browser import BROWSER, shot
from skillcert.plans.tests.factories import file_org, make_candidate, make_id

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}
# axe-core from the npm registry, pinned (see vendor/axe-core/VERSION).
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A visitor's phone. axe-core is loaded as an init script: the DevTools protocol runs it
    outside the page's strict CSP, so the CSP stays enforced for the page's own content."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(30_000)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def _check(page: Any, screenshots: Path, name: str, *expected: str) -> str:
    """A screenshot and the expected text, then: nothing wider than the phone, no console
    error, and no serious or critical axe-core violation."""
    body = shot(page, screenshots, f"public-{name}", *expected)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a 390px phone"
    assert page.console_errors == [], f"{name}: console errors {page.console_errors}"
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "" for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
    assert serious == [], f"{name} on {page.url}: " + "\n".join(serious)
    return body


def _card_layout(page: Any, table: str) -> None:
    """On a phone a list's rows are cards: block rows, the column header hidden, each cell
    captioned by its data-label."""
    assert page.eval_on_selector(f"{table} tbody tr", "e => getComputedStyle(e).display") == (
        "block"
    )
    caption = page.eval_on_selector(
        f"{table} tbody td[data-label]", "e => getComputedStyle(e, '::before').content"
    )
    assert caption not in ("", "none", "normal"), caption


@pytest.fixture
def public_world(personas: Any, hr: Occupation) -> Certificate:
    """Org A (Nanjing, 玄武区) certifies 电工; org B (Suzhou) 企业人力资源管理师; one
    certificate of org A's."""
    electrician = Occupation.objects.create(code="6-31-01-03", name="电工")
    Standard.objects.create(
        occupation=electrician,
        kind="national",
        code="6-31-01-03",
        edition_year=2018,
        name="电工国家职业技能标准",
        levels=[5, 4, 3, 2, 1],
    )
    file_org(personas.org_a, [electrician, hr], (4, 3))
    file_org(personas.org_b, [hr], (2,))
    return certificate_issue_for(
        organization=personas.org_a,
        holder=Holder(make_candidate(1), hr, "", 3),
        actor=SystemActor("test"),
    )


def test_a_visitor_uses_the_public_services_on_a_phone(phone, public_world, personas, screenshots):
    certificate = public_world
    org_a, org_b = personas.org_a.name, personas.org_b.name
    page = phone

    # 1. The landing page: the platform, its public services, login and registration.
    page.goto("/")
    _check(page, screenshots, "01-landing", "职业技能等级认定平台", "公共服务", "考生注册")
    main = page.locator("main")
    for service in ("职业目录", "机构名录", "申报条件自测", "成绩查询", "证书查询", "投诉举报"):
        expect(main.get_by_role("link", name=re.compile(f"^{service}"))).to_be_visible()
    expect(main.get_by_role("link", name="登录", exact=True)).to_be_visible()

    # 2. The directory, searched by a place name typed as people say it.
    main.get_by_role("link", name=re.compile("^机构名录")).click()
    page.wait_for_url(re.compile(r"/directory/$"))
    results = page.locator("#results")
    expect(results).to_contain_text(org_b)
    page.get_by_label("地区（地名或行政区划代码）").fill("南京")
    page.get_by_label("地区（地名或行政区划代码）").press("Enter")
    page.wait_for_url(re.compile(r"region="))
    expect(results).not_to_contain_text(org_b)
    expect(results).to_contain_text(org_a)
    expect(results).to_contain_text("南京市玄武区")  # the city with the district
    _card_layout(page, "#results table.responsive")
    _check(page, screenshots, "02-directory-nanjing", org_a, "共 1 家")

    # 3. ... and by an occupation's name instead.
    page.get_by_label("地区（地名或行政区划代码）").fill("")
    page.get_by_label("职业（名称或职业编码）").fill("企业人力资源管理师")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"occupation="))
    expect(results).to_contain_text("共 2 家")
    page.get_by_label("职业（名称或职业编码）").fill("电工")
    page.get_by_role("button", name="查询").click()
    expect(results).to_contain_text("共 1 家")
    expect(results).not_to_contain_text(org_b)
    _check(page, screenshots, "03-directory-electrician", org_a, "电工")

    # 4. A place the province does not have: a Chinese message instead of the old list.
    page.get_by_label("职业（名称或职业编码）").fill("")
    page.get_by_label("地区（地名或行政区划代码）").fill("火星")
    page.get_by_role("button", name="查询").click()
    expect(results).to_contain_text("本省没有名称含「火星」的地区")
    expect(results).not_to_contain_text(org_a)
    _check(page, screenshots, "04-directory-unknown-place", "没有符合条件的机构")

    # 5. The catalogue, as cards.
    page.locator("nav.public").get_by_role("link", name="职业目录").click()
    page.wait_for_url(re.compile(r"/occupations/$"))
    _card_layout(page, "main table.responsive")
    _check(page, screenshots, "05-catalogue", "职业目录", "电工", "6-31-01-03")

    # 6. The certificate query and its answer.
    page.locator("nav.public").get_by_role("link", name="证书查询").click()
    page.get_by_label("证书编号").fill(certificate.number)
    page.get_by_label("姓名").fill("考生1")
    page.get_by_label("证件号码").fill(make_id(1))
    page.locator("main").get_by_role("button", name="查询").click()
    expect(page.locator("main .card")).to_contain_text(certificate.number)
    _check(page, screenshots, "06-certificate-query", "职业技能等级证书查询", "企业人力资源管理师")

    # 7. The complaint form offers this province's cities only, each once.
    page.locator("nav.public").get_by_role("link", name="投诉举报").click()
    options = page.eval_on_selector_all(
        "select[name=region] option", "os => os.map(o => [o.value, o.textContent])"
    )
    places = [(code, name) for code, name in options if code]
    assert places and all(code.startswith("32") for code, _ in places), places
    assert len({name for _, name in places}) == len(places), places
    assert "南京市" in dict(places).values() and "市辖区" not in dict(places).values()
    _check(page, screenshots, "07-complaint-form", "投诉举报", "事项发生地")

    # 8. The other public services pass the same checks.
    for n, (service, heading) in enumerate(
        (("申报条件自测", "申报条件"), ("成绩查询", "成绩查询")), start=8
    ):
        page.locator("nav.public").get_by_role("link", name=service).click()
        page.wait_for_load_state("load")
        _check(page, screenshots, f"{n:02d}-{service}", heading)
