"""The browser that journeys drive: Debian's Chromium under Playwright against the live
server, one context (own cookies) per person, and the checks every step makes: a screenshot in
var/screenshots/, the expected Chinese text, drawn with a CJK font. The fixtures are exposed to
this folder's tests by its conftest."""

from __future__ import annotations

import base64
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django_otp.oath import totp

from conftest import PASSWORD
from skillcert.accounts.actors import SystemActor
from skillcert.accounts.services import totp_enrolment_issue

CHROMIUM = Path("/usr/bin/chromium")

# Every browser test module: `pytestmark = BROWSER` (marked `browser`: `-m "not browser"`).
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser journeys need Debian's Chromium at /usr/bin/chromium "
        "(`make test` installs it; or: apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),  # the live server answers from another thread
]

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_FONT = re.compile(r"CJK|HanaMin|Han Sans|Han Serif|WenQuanYi|Hei|Song|Ming", re.IGNORECASE)

# --- the browser --------------------------------------------------------------------------


class _OneRequestAtATime(StaticFilesHandler):
    """The live server's handler while the test database is SQLite in memory: every request
    thread then shares the test's one connection, whose transaction state is not made for
    two threads at once (a page polling in one person's browser while another posted a form
    made one request BEGIN inside the other's transaction). Requests take turns here, as
    they would queue on SQLite's write lock with connections of their own."""

    turn = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.turn:
            return super().__call__(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[Any]:
    """pytest-django's live server (same address option), started after the test database
    is: on SQLite in memory its request threads then share the test's connection (else they
    open the file the settings name) and take turns."""
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    if server.thread.connections_override:
        server.thread.static_handler = _OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running on this thread, which Django takes
    # for an async context: it refuses ORM calls (the test's own are ordinary synchronous
    # code) and keeps the database connections opened meanwhile apart from the thread's.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            chromium.close()
            # Those connections are not the ones the test database teardown closes.
            connections.close_all()
    # Chromium keeps its connections alive, and each one holds a live-server thread with its
    # own database connection until the browser hangs up. Let those threads finish before the
    # database is flushed (or, on PostgreSQL, dropped while they are still connected).
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (its own cookies) per person, on the live server."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots() -> Path:
    folder = Path(django_settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cjk_glyphs_drawn(page: Any, selector: str) -> tuple[int, int]:
    """(CJK characters in the element's own text, glyphs a CJK font drew for it), from the
    fonts Chromium actually used. Without a CJK font the characters are drawn as empty boxes
    by a Latin font, and the second number falls short of the first."""
    text = page.eval_on_selector(
        selector,
        "e => Array.from(e.childNodes).filter(n => n.nodeType === 3)"
        ".map(n => n.textContent).join('')",
    )
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    drawn = sum(f["glyphCount"] for f in fonts if CJK_FONT.search(f["familyName"]))
    return len(CJK.findall(text)), drawn


def save_screenshot(page: Any, path: Path) -> None:
    """The whole page as a PNG, like `page.screenshot(full_page=True)` but encoded for speed
    (Chromium's `optimizeForSpeed`): the default encoding took a fifth of a journey's time,
    and the journeys take most of `make test`'s. The file is larger; PNG is what the
    reviewers' tools open."""
    cdp = page.context.new_cdp_session(page)
    try:
        size = cdp.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        image = cdp.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "clip": clip,
                "captureBeyondViewport": True,
                "optimizeForSpeed": True,
            },
        )
    finally:
        cdp.detach()
    path.write_bytes(base64.b64decode(image["data"]))


def shot(page: Any, folder: Path, name: str, *expected: str) -> str:
    """Screenshot the step, then check the page says what it should, in Chinese, drawn with
    a CJK font."""
    page.wait_for_load_state("load")
    save_screenshot(page, folder / f"{name}.png")
    body = page.inner_text("body")
    for text in expected:
        assert text in body, f"{name}: “{text}” not on {page.url}: {body[:400]}"
    for selector in ("main h1", "footer"):  # bold and regular faces are separate fonts
        characters, drawn = cjk_glyphs_drawn(page, selector)
        assert characters > 0, f"{name}: {selector} has no Chinese text"
        assert drawn >= characters, (
            f"{name}: {selector} has {characters} CJK characters, {drawn} drawn by a CJK font"
        )
    return str(body)


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()


def pass_second_factor(page: Any, folder: Path, name: str, user: Any) -> None:
    """An officer's first login binds an authenticator: type the one-time binding code an
    administrator issued, then the code for the key shown."""
    shot(page, folder, name, "绑定身份验证器", "绑定码")
    page.fill("#id_enrolment_code", totp_enrolment_issue(user=user, actor=SystemActor("test")))
    page.locator("main").get_by_role("button", name="下一步").click()
    shot(page, folder, f"{name}-key", "绑定身份验证器", "密钥")
    secret = page.inner_text("main code").strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{totp(key):06d}")
    page.locator("main").get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def officer_page(open_page: Any, folder: Path, user: Any, name: str) -> Any:
    """A new page signed in as the officer `user`, past the second factor (screenshots
    `name` and `name`-key)."""
    page = open_page()
    log_in(page, user.username)
    pass_second_factor(page, folder, name, user)
    return page


def download(page: Any, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return Path(info.value.path()).read_bytes()


def qr_codes_in_pdf(pdf: bytes, *, scale: float = 4.0) -> list[str]:
    """What a phone camera would read off the document: every page rendered to pixels by
    PDFium (Chrome's PDF engine) and the QR codes found in them decoded by ZXing. Nothing of
    the product's own is used, so a QR code that only its own reader understands fails here."""
    import pypdfium2
    import zxingcpp

    found: list[str] = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=scale).to_pil()
            found.extend(r.text for r in zxingcpp.read_barcodes(image) if r.format.name == "QRCode")
    finally:
        document.close()
    return found
