"""The crawl of issue #22: every persona logs in (officers pass the second factor) and opens
every link of its menu and of its dashboard (the to-do list and the counters). Every page
must answer 200 without a console error, speak Chinese — no raw code or English word outside
a short allow-list — tie every form label to its input, and pass axe-core (WCAG 2 A and AA
rules) with no serious or critical violation. Each page leaves a screenshot in
var/screenshots/crawl/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import PERSONA_NAMES
from skillcert.accounts.models import User
from skillcert.operations.tests.browser import (
    BROWSER,
    log_in,
    pass_second_factor,
    save_screenshot,
)

pytestmark = BROWSER

# Latin words a page may show. Product and format names, units and abbreviations people use
# in Chinese text; everything else in Latin letters is a code that leaked.
ALLOWED_WORDS = frozenset(
    {
        "skillcert",  # the product's name, in the footer and titles
        "chinesecalendar",  # the holiday data package the calendar names as its source
        "QTI",  # the item-bank exchange standard
        "API",
        "PDF",
        "Excel",
        "CSV",
        "JSON",
        "YAML",
        "ZIP",
        "QR",
        "IP",
        "ID",
        "TOTP",
        "kg",
        "cm",
        "MB",
        "KB",
    }
)
# A Latin run with a digit in it is data (a certificate or plan number, a USCC, a file name's
# version), not a word.
WORD = re.compile(
    r"(?<![\w.@-])[A-Za-z][A-Za-z_.-]*[A-Za-z](?![\w@-])|(?<![\w.@-])[A-Za-z](?![\w.@-])"
)

# Links not to follow: leaving the session, files rather than pages, and Django's own admin
# (the framework's pages, reached only by platform administrators).
SKIP = re.compile(r"^/(accounts/logout|admin/)|[?&](export|download)=|\.(pdf|xlsx|zip|png|svg)$")

OFFICERS = ("province", "city_nanjing", "city_suzhou")

# axe-core from the npm registry, pinned (see vendor/axe-core/VERSION). It is evaluated through
# the DevTools protocol once per page, outside the page's strict CSP, which stays enforced for
# the page's own content.
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text("utf-8")
AXE_RUN = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
  resultTypes: ['violations'],
}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
    v.nodes.slice(0, 5).map(n => n.target.join(' ')).join('; ')))"""

VISIBLE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, template')) continue;
    if (!el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    parts.push(node.textContent);
  }
  document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => {
    if (e.getClientRects().length) parts.push(e.placeholder);
  });
  document.querySelectorAll('input[type=submit], input[type=button]').forEach(e => {
    if (e.getClientRects().length) parts.push(e.value);
  });
  return parts.join(' ');
}"""

UNTIED_LABELS = """() => Array.from(document.querySelectorAll('label'))
  .filter(l => l.getClientRects().length && !l.control)
  .map(l => l.textContent.trim().slice(0, 40))"""


def english_words(text: str, *, allowed: frozenset[str]) -> list[str]:
    return sorted({w for w in WORD.findall(text) if w not in allowed})


def test_word_finder_sees_codes_and_spares_allowed_words() -> None:
    text = "导入考生花名册 roster.import 下载 PDF，证书编号 3201A2026000123，submit → received"
    assert english_words(text, allowed=ALLOWED_WORDS) == ["received", "roster.import", "submit"]


def _links(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "header nav a, nav.public a, #todo a, .stat a",
        "links => links.map(a => a.getAttribute('href'))",
    )
    return [h for h in hrefs if h and h.startswith("/") and not SKIP.search(h)]


def _visit(
    page: Any, url: str, folder: Path, name: str, usernames: frozenset[str], console: list[str]
) -> list[str]:
    """Open `url` and return what is wrong with it. `console` collects the page's errors."""
    console.clear()
    response = page.goto(url)
    page.wait_for_load_state("load")  # the page and its assets; polling fragments need no wait
    save_screenshot(page, folder / f"{name}.png")
    problems = []
    if response is None or response.status != 200:
        problems.append(f"状态 {response.status if response else '无响应'}")
    problems += [f"控制台错误 {text}" for text in console]
    words = english_words(page.evaluate(VISIBLE_TEXT), allowed=ALLOWED_WORDS | usernames)
    if words:
        problems.append(f"英文/代码 {words}")
    untied = page.evaluate(UNTIED_LABELS)
    if untied:
        problems.append(f"未关联输入框的标签 {untied}")
    page.evaluate(AXE_SOURCE)
    problems += [f"无障碍 {violation}" for violation in page.evaluate(AXE_RUN)]
    return [f"{url}: {p}" for p in problems]


# Every persona but those whose pages are another's over other rows: org_a's administrator and
# org_b's clerk see the pages clerk_a sees, Suzhou's officer those of Nanjing's (which rows each
# reaches is the permission matrix's and the view tests' to check).
SAME_PAGES_AS_ANOTHER = frozenset({"admin_a", "clerk_b", "city_suzhou"})


@pytest.mark.parametrize(
    "persona", [name for name in PERSONA_NAMES if name not in SAME_PAGES_AS_ANOTHER]
)
def test_every_page_a_persona_reaches_speaks_chinese(
    personas: Any, open_page: Any, screenshots: Path, persona: str
) -> None:
    user = getattr(personas, persona)
    folder = screenshots / "crawl" / persona
    folder.mkdir(parents=True, exist_ok=True)
    page = open_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    log_in(page, user.username)
    if persona in OFFICERS:
        pass_second_factor(page, folder, "otp", user)
    page.goto("/dashboard/")
    links = list(dict.fromkeys(["/dashboard/", *_links(page)]))
    assert len(links) > 2, f"{persona}: no menu on the dashboard"
    # Usernames are data (the audit log names who acted), not words of the interface.
    usernames = frozenset(User.objects.values_list("username", flat=True))
    problems: list[str] = []
    for index, url in enumerate(links):
        slug = re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.lower()).strip("-") or "root"
        problems += _visit(page, url, folder, f"{index:02d}-{slug}", usernames, console)
    assert not problems, f"{persona}:\n" + "\n".join(problems)
