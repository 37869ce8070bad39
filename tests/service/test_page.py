"""The page to try decisions, in headless Chromium (Playwright driving Debian's chromium, never a
downloaded browser) against the real server: a real case filled in by searching Chinese names,
the decision and its citation seen, the trace's catalogue link followed, a bad input shown at
its field; at phone width without sideways scrolling; no console error, nothing fetched from
anywhere but the server. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from chromium import CHROMIUM
from service_server import Server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 412, "height": 915}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless browser test needs /usr/bin/chromium "
    "(Debian package chromium: apt-get update && apt-get install -y chromium)",
)


class Watched:
    """A page with its console errors, uncaught exceptions and foreign requests recorded."""

    def __init__(self, page: Any, origin: str) -> None:
        self.page = page
        self.problems: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.route("**/*", lambda route: self._route(route, origin))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _route(self, route: Any, origin: str) -> None:
        url = route.request.url
        if url.startswith(origin) or url.startswith("data:"):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


def _open(browser: Any, server: Server, viewport: dict[str, int]) -> Watched:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(server.url))
    watched = Watched(context.new_page(), origin)
    watched.page.goto(server.url + "/")
    watched.page.wait_for_selector("#f-kind")
    return watched


def _fill_real_case(page: Any) -> None:
    """A factory's blocked exit, found on 9 September 2025: the kind and the sector found by
    typing part of their Chinese names (a dance hall's would go to the fire service)."""
    page.fill("#f-kind-search", "疏散通道")
    assert page.eval_on_selector("#f-kind", "s => s.value") == "blocked_exits"
    page.fill("#f-sector-search", "制造")
    assert page.eval_on_selector("#f-sector", "s => s.value") == "manufacturing"
    page.fill("#f-occurred_on", "2025-09-09")


def _fits(page: Any) -> None:
    width, scroll = page.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    assert scroll <= width, f"the page scrolls sideways: {scroll} > {width}"


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"service-{name}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, f"{path} looks blank"


def test_a_real_case_decided_on_a_phone(browser: Any, server: Server) -> None:
    watched = _open(browser, server, PHONE)
    page = watched.page
    labels = page.inner_text("#fields")
    assert "违法行为" in labels and "what the unit did wrong" in labels
    _fill_real_case(page)
    _fits(page)
    _shot(page, "form-phone")
    page.click("#decide")
    page.wait_for_selector("#result:not([hidden])")
    result = page.inner_text("#result")
    assert "责令限期改正" in result and "order correction by a deadline" in result
    assert "中华人民共和国安全生产法 第105条第（2）项" in result
    assert "生产经营场所和员工宿舍未设有符合紧急疏散需要" in result  # the law's text
    assert "wsl2021-105-first" in result  # the trace
    assert "监管二科" in result and "supervision section 2" in result
    _fits(page)
    _shot(page, "decision-phone")
    page.click("#result a.rule-link >> nth=1")
    page.wait_for_load_state()
    assert "/catalogue/" in page.url
    anchor = page.url.split("#", 1)[1]
    assert page.locator(f"[id='{anchor}']").count() == 1
    assert watched.problems == [] and watched.foreign == []


def test_a_bad_input_is_shown_at_its_field(browser: Any, server: Server) -> None:
    watched = _open(browser, server, PHONE)
    page = watched.page
    _fill_real_case(page)
    page.fill("#f-illegal_income_yuan", "-5")
    page.click("#decide")
    page.wait_for_selector("#errors:not([hidden])")
    assert "illegal_income_yuan" in page.inner_text("#errors")
    assert page.locator("#row-illegal_income_yuan.invalid").count() == 1
    assert page.locator("#result:not([hidden])").count() == 0
    _shot(page, "error-phone")
    console_errors = [p for p in watched.problems if "422" not in p]  # the failed fetch itself
    assert console_errors == [] and watched.foreign == []


def test_the_page_on_a_wide_screen(browser: Any, server: Server) -> None:
    watched = _open(browser, server, {"width": 1280, "height": 900})
    _fill_real_case(watched.page)
    watched.page.click("#decide")
    watched.page.wait_for_selector("#result:not([hidden])")
    _fits(watched.page)
    _shot(watched.page, "decision-desktop")
    assert watched.problems == [] and watched.foreign == []


def test_the_console_watch_sees_a_script_error(browser: Any, server: Server) -> None:
    """The no-console-error assertions above can fail: a broken script is seen."""
    watched = _open(browser, server, PHONE)
    watched.page.evaluate("setTimeout(() => { undefinedFunction(); }, 0)")
    watched.page.wait_for_timeout(200)
    assert any("undefinedFunction" in p for p in watched.problems)
    watched.page.evaluate("fetch('https://cdn.example.com/x.js').catch(() => {})")
    watched.page.wait_for_timeout(200)
    assert any("Content Security Policy" in p for p in watched.problems)  # refused and said
    with pytest.raises(Exception, match=r"net::ERR_"):
        watched.page.goto("https://cdn.example.com/page.html")
    assert watched.foreign == ["https://cdn.example.com/page.html"]
