"""The catalogue for legal staff (`render`): both formats on the bundled rules, the kind × version
matrix, pending marks, internal links, and the HTML site in a real headless browser."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import markupsafe
import pytest
from chromium import CHROMIUM

import enforcement_rules as er
from enforcement_rules.review.explain import describe
from enforcement_rules.review.render import MATRIX_LAW, render
from enforcement_rules.rulebook import conditions
from enforcement_rules.rulebook.model import Provision

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# ---------------------------------------------------------------- helpers


def _stem(provision: Provision) -> str:
    return f"{provision.law}-{provision.in_force_from.isoformat()}"


def _versions(rules: er.RuleSet) -> list[str]:
    """The in-force dates of the matrix law: the expected matrix columns."""
    return sorted({p.in_force_from.isoformat() for p in rules.provisions if p.law == MATRIX_LAW})


def _deciding(rules: er.RuleSet, kind: str, start: str) -> set[str]:
    """The oracle for one matrix cell, stated independently of render.py."""
    return {
        rule.id
        for rule in rules.rules
        if rule.provision.law == MATRIX_LAW
        and rule.provision.in_force_from.isoformat() == start
        and rule.then.decides_penalty
        and kind in rule.named_kinds()
    }


@attrs.define
class Cell:
    hrefs: list[str] = attrs.Factory(list)
    text: list[str] = attrs.Factory(list)


class Page(HTMLParser):
    """What the tests need from one HTML page: ids (with classes), links, nesting, matrix rows."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}  # id → class attribute
        self.duplicate_ids: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.tags: set[str] = set()
        self.metas: list[dict[str, str]] = []
        self.css = ""
        self.nesting_errors: list[str] = []
        self.tables_outside_wrap = 0
        self.rows: dict[str, list[Cell]] = {}  # kind → cells of the matrix row
        self._stack: list[tuple[str, str]] = []
        self._row: str | None = None
        self._cell: Cell | None = None
        self.feed(text)
        self.close()
        if self._stack:
            self.nesting_errors.append(f"unclosed: {self._stack}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        self.tags.add(tag)
        if "id" in a:
            if a["id"] in self.ids:
                self.duplicate_ids.append(a["id"])
            self.ids[a["id"]] = a.get("class", "")
        if "src" in a:
            self.srcs.append(a["src"])
        if tag == "meta":
            self.metas.append(a)
        if tag == "table" and not (self._stack and "table-wrap" in self._stack[-1][1]):
            self.tables_outside_wrap += 1
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
            if self._cell is not None:
                self._cell.hrefs.append(a["href"])
        if tag == "tr":
            row_id = a.get("id", "")
            self._row = row_id.removeprefix("kind-") if row_id.startswith("kind-") else None
            if self._row is not None:
                self.rows[self._row] = []
        if tag == "td" and self._row is not None:
            self._cell = Cell()
            self.rows[self._row].append(self._cell)
        if tag not in VOID:
            self._stack.append((tag, a.get("class", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self._stack or self._stack[-1][0] != tag:
            self.nesting_errors.append(f"</{tag}> closes {self._stack[-1:]}")
            return
        self._stack.pop()
        if tag == "td":
            self._cell = None
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1][0] == "style":
            self.css += data
        if self._cell is not None:
            self._cell.text.append(data)


def _pages(site: Sequence[Path]) -> dict[str, Page]:
    return {path.name: Page(path.read_text("utf-8")) for path in site}


def _unresolved(pages: dict[str, Page]) -> list[str]:
    """Every link that is not `#id` or `page.html[#id]` naming an existing page and id."""
    bad = []
    for name, page in pages.items():
        for href in page.hrefs:
            match = re.fullmatch(r"([\w.-]+\.html)?(?:#(.+))?", href)
            if match is None or not href:
                bad.append(f"{name}: {href} (not internal)")
                continue
            target, fragment = match.group(1) or name, match.group(2)
            if target not in pages or (fragment is not None and fragment not in pages[target].ids):
                bad.append(f"{name}: {href}")
    return bad


def _fragment_ids(hrefs: Iterable[str]) -> set[str]:
    return {href.split("#", 1)[1] for href in hrefs}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def html_site(rules: er.RuleSet, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return render(rules, "html", tmp_path_factory.mktemp("catalogue-html"))


@pytest.fixture(scope="module")
def md_site(rules: er.RuleSet, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return render(rules, "md", tmp_path_factory.mktemp("catalogue-md"))


# ---------------------------------------------------------------- both formats


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_one_index_and_one_page_per_law_version(
    rules: er.RuleSet, fmt: str, tmp_path: Path
) -> None:
    written = render(rules, fmt, tmp_path / "out")  # type: ignore[arg-type]
    expected = {f"{_stem(p)}.{fmt}" for p in rules.provisions}
    assert written[0].name == f"index.{fmt}"
    versions = [p.name for p in written[1:] if "-art-" not in p.name and p.stem != "search"]
    assert sorted(versions) == sorted(expected)
    assert (tmp_path / "out" / "search.html").is_file() == (fmt == "html")
    assert all(path.is_file() and path.parent == tmp_path / "out" for path in written)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)
    assert {"work_safety_law-2002-11-01", "work_safety_law-2014-12-01"} <= {p.stem for p in written}


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_output_is_deterministic_and_location_free(
    rules: er.RuleSet, fmt: str, tmp_path: Path
) -> None:
    first = render(rules, fmt, tmp_path / "a")  # type: ignore[arg-type]
    second = render(rules, fmt, tmp_path / "b" / "nested")  # type: ignore[arg-type]
    assert [p.name for p in first] == [p.name for p in second]
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name
        text = one.read_text("utf-8")
        assert rules.source not in text  # paths are shown relative to the rules directory
        assert str(tmp_path) not in text


def test_unknown_format_is_refused(rules: er.RuleSet, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pdf"):
        render(rules, "pdf", tmp_path)  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- Markdown


def test_markdown_every_rule_has_an_anchor_on_its_version_page(
    rules: er.RuleSet, md_site: list[Path]
) -> None:
    text = {path.stem: path.read_text("utf-8") for path in md_site}
    for rule in rules.rules:
        page = text[_stem(rule.provision)]
        assert page.count(f'<a id="{rule.id}"></a>') == 1, rule.id
        assert f"### `{rule.id}`" in page


def test_markdown_links_resolve(md_site: list[Path]) -> None:
    text = {path.name: path.read_text("utf-8") for path in md_site}
    links = [
        (name, target)
        for name, page in text.items()
        for target in re.findall(r"\]\(([^)]+)\)", page)
    ]
    assert len(links) > 200
    for name, target in links:
        file, _, fragment = target.partition("#")
        page = text[file or name]
        assert not fragment or f'<a id="{fragment}"></a>' in page, (name, target)


def test_markdown_matrix_has_a_cell_for_every_kind_and_version(
    rules: er.RuleSet, md_site: list[Path]
) -> None:
    lines = md_site[0].read_text("utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| 违法行为 (kind) |"))
    versions = _versions(rules)
    assert [f"(in force {v})" in lines[header] for v in versions] == [True] * len(versions)
    rows: dict[str, list[str]] = {}
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        code = re.search(r"`(\w+)`$", cells[0])
        assert code is not None, line
        rows[code.group(1)] = cells[1:]
    assert set(rows) == set(rules.kinds)
    for kind, cells in rows.items():
        assert len(cells) == len(versions), kind
        for start, cell in zip(versions, cells, strict=True):
            linked = set(re.findall(rf"\]\({MATRIX_LAW}-{start}\.md#([\w-]+)\)", cell))
            assert linked == _deciding(rules, kind, start), (kind, start)
            assert (cell == "not encoded") == (not linked)


def test_markdown_pending_files_stand_out_with_their_note(
    rules: er.RuleSet, md_site: list[Path]
) -> None:
    text = {path.stem: path.read_text("utf-8") for path in md_site}
    pending = [p for p in rules.provisions if p.review != "verified"]
    assert pending
    for provision in pending:
        note = " ".join(provision.review_note.split())
        assert f"> **⚠ 待审核 (review pending)：** {note}" in text[_stem(provision)]
    for stem, page in text.items():
        if stem != "index":
            count = sum(1 for p in pending if _stem(p) == stem)
            assert page.count("> **⚠ 待审核 (review pending)：**") == count, stem


def test_markdown_rule_shows_citation_condition_outcome_and_examples(
    rules: er.RuleSet, md_site: list[Path]
) -> None:
    rule = rules.rule("wsl2021-103-1-income-from-100k")
    page = next(p for p in md_site if p.stem == _stem(rule.provision)).read_text("utf-8")
    section = page.split(f'<a id="{rule.id}"></a>', 1)[1].split("<a id=", 1)[0]
    assert "《中华人民共和国安全生产法》第一百零三条第一款 (Art. 103 para. 1)" in section
    assert "- 条件 (when): 违法行为为" in section  # in words
    assert f"- 规则文件写法 (as written): `{describe(rule.when)}`" in section
    assert "罚款 (fine) — 生产经营单位 (the unit): 违法所得 2–5 倍" in section
    assert "10,000–20,000 元 (yuan), 应当处 (mandatory)" in section
    assert "没收违法所得、非法财物 (confiscation)" in section
    assert "| 示例 (example) | 事实 (facts) | 预期 (expected) |" in section
    assert "illegal_income_yuan: 300000" in section
    assert "- 审核 (review): 已核对 verified" in section


# ---------------------------------------------------------------- HTML


def test_html_parses_and_is_self_contained(html_site: list[Path]) -> None:
    pages = _pages(html_site)
    for name, page in pages.items():
        assert not page.nesting_errors, (name, page.nesting_errors[:3])
        assert not page.duplicate_ids, (name, page.duplicate_ids[:3])
        scripts = set() if name == "search.html" else {"script"}  # search: its own, by hash
        banned = {"link", "iframe", "img", "object"} | scripts
        assert not page.tags & banned, name
        assert not page.srcs, name
        assert "url(" not in page.css and "@import" not in page.css, name
        assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in page.metas
        assert "@media print" in page.css and "overflow-x: auto" in page.css, name
        assert page.tables_outside_wrap == 0, name  # every table scrolls on a phone


def test_html_every_internal_link_resolves(html_site: list[Path]) -> None:
    pages = _pages(html_site)
    assert sum(len(page.hrefs) for page in pages.values()) > 500
    assert _unresolved(pages) == []


def test_html_every_rule_is_an_anchor_on_its_version_page(
    rules: er.RuleSet, html_site: list[Path]
) -> None:
    pages = _pages(html_site)
    for rule in rules.rules:
        holders = [name for name, page in pages.items() if rule.id in page.ids]
        assert holders == [f"{_stem(rule.provision)}.html"], rule.id


def test_html_matrix_has_a_cell_for_every_kind_and_version(
    rules: er.RuleSet, html_site: list[Path]
) -> None:
    index = _pages(html_site)["index.html"]
    versions = _versions(rules)
    assert len(versions) == 3
    assert set(index.rows) == set(rules.kinds)
    for kind, cells in index.rows.items():
        assert len(cells) == len(versions), kind
        for start, cell in zip(versions, cells, strict=True):
            assert all(h.startswith(f"{MATRIX_LAW}-{start}.html#") for h in cell.hrefs), kind
            assert _fragment_ids(cell.hrefs) == _deciding(rules, kind, start), (kind, start)
            assert ("not encoded" in "".join(cell.text)) == (not cell.hrefs)


def test_html_matrix_says_not_encoded_where_no_rule_decides(
    rules: er.RuleSet, tmp_path: Path
) -> None:
    kind, start = "blocked_exits", _versions(rules)[-1]
    dropped = _deciding(rules, kind, start)
    fewer = attrs.evolve(rules, rules=tuple(r for r in rules.rules if r.id not in dropped))
    index = _pages(render(fewer, "html", tmp_path))["index.html"]
    cell = index.rows[kind][-1]
    assert cell.hrefs == [] and "not encoded" in "".join(cell.text)
    assert index.rows[kind][0].hrefs  # the older versions are untouched


def test_html_matrix_ignores_rules_that_do_not_decide_the_penalty(
    rules: er.RuleSet, tmp_path: Path
) -> None:
    """A measures-only rule naming a kind adds measures; it does not decide that kind's cell."""
    measure_rule = rules.rule("wsl2021-65-correct-on-site")
    assert not measure_rule.then.decides_penalty
    naming = attrs.evolve(measure_rule, when=conditions.Test("kind", "in", ("blocked_exits",)))
    altered = attrs.evolve(
        rules, rules=tuple(naming if r is measure_rule else r for r in rules.rules)
    )
    index = _pages(render(altered, "html", tmp_path))["index.html"]
    assert measure_rule.id not in _fragment_ids(index.rows["blocked_exits"][-1].hrefs)
    assert index.rows["blocked_exits"][-1].hrefs


def test_html_pending_files_stand_out_with_their_note(
    rules: er.RuleSet, html_site: list[Path]
) -> None:
    pages = _pages(html_site)
    texts = {path.name: path.read_text("utf-8") for path in html_site}
    for provision in rules.provisions:
        name = f"{_stem(provision)}.html"
        pending = provision.review != "verified"
        if pending:
            assert str(markupsafe.escape(provision.review_note)) in texts[name]
        for rule in rules.rules:
            if rule.provision.file == provision.file:
                assert ("pending" in pages[name].ids[rule.id].split()) == pending, rule.id
    for name, page in pages.items():
        sections = [c for c in page.ids.values() if "provision" in c.split()]
        expected = sum(
            1 for p in rules.provisions if f"{_stem(p)}.html" == name and p.review != "verified"
        )
        assert sum("pending" in c.split() for c in sections) == expected, name
        assert texts[name].count('<div class="review-note" role="note">') == expected, name


def test_html_escapes_rule_text(rules: er.RuleSet, tmp_path: Path) -> None:
    first = rules.rules[0]
    hostile = attrs.evolve(first, title="<script>alert(1)</script> & (x)")
    altered = attrs.evolve(rules, rules=(hostile, *rules.rules[1:]))
    page = tmp_path / f"{_stem(first.provision)}.html"
    render(altered, "html", tmp_path)
    text = page.read_text("utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; (x)" in text


# ---------------------------------------------------------------- a real browser

_no_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless browser test needs /usr/bin/chromium "
    "(Debian package chromium: apt-get update && apt-get install -y chromium)",
)


def needs_chromium(test: Any) -> Any:
    """Skipped without Chromium; marked `browser` (CI runs them once, not per Python)."""
    return pytest.mark.browser(_no_chromium(test))


def _chromium(args: Sequence[str], url: str) -> subprocess.CompletedProcess[str]:
    """One headless run with a throw-away profile; nothing is fetched from the network."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                *args,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _console(stderr: str) -> list[str]:
    """Console output of the page. Chromium logs even console.error as INFO:CONSOLE, so any
    CONSOLE line counts: the catalogue has no scripts and must not make the browser complain."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@needs_chromium
def test_browser_console_check_catches_a_broken_page(tmp_path: Path) -> None:
    """The console assertion below is not vacuous: a script error on a page is seen."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p id=x>x</p><script>undefinedFunction();</script>", "utf-8")
    result = _chromium(["--dump-dom"], page.as_uri())
    assert 'id="x"' in result.stdout
    assert any("Uncaught ReferenceError" in line for line in _console(result.stderr))


#: Run in each page once it has loaded (through the browser's debugging protocol, so the
#: page's own Content-Security-Policy, which allows no script, stays as it is): the layout
#: width and any text sticking out of the page.
OVERFLOW_PROBE = """() => {
  const width = document.documentElement.clientWidth, wide = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > width + 1) {
      let scrolls = false;
      for (let up = node.parentElement; up && !scrolls; up = up.parentElement) {
        scrolls = getComputedStyle(up).overflowX !== "visible";
      }
      if (!scrolls) wide.push(node.textContent.trim().slice(0, 60));
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 3)};
}"""
PHONE = {"width": 412, "height": 915}


@attrs.frozen
class Visit:
    """One page as the browser showed it at phone width."""

    dom: str  # the document after loading
    console: list[str]  # every console message and uncaught error (the catalogue has none)
    layout: dict[str, Any]  # OVERFLOW_PROBE's report


def visit(browser: Any, path: Path) -> Visit:
    """Open a page at phone width in a fresh context; nothing may be fetched from anywhere."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"uncaught: {error}"))
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file://") else route.abort()
            ),
        )
        page.goto(path.as_uri(), wait_until="load")
        return Visit(page.content(), console, page.evaluate(OVERFLOW_PROBE))
    finally:
        context.close()


@pytest.fixture(scope="module")
def visited(browser: Any, html_site: list[Path]) -> dict[str, Visit]:
    return {path.name: visit(browser, path) for path in html_site}


@needs_chromium
def test_browser_visit_sees_a_script_error_a_policy_breach_and_a_wide_page(
    browser: Any, tmp_path: Path
) -> None:
    """The checks below are not vacuous: an uncaught error, a style the page's own
    Content-Security-Policy refuses, and text wider than a phone are seen, on a page the
    browser laid out at phone width."""
    page = tmp_path / "broken.html"
    policy = '<meta http-equiv="Content-Security-Policy" content="script-src \'unsafe-inline\'">'
    page.write_text(
        f"<!DOCTYPE html><html><head>{policy}</head><body><p id=x>{'x' * 400}</p>"
        '<p style="color: red">styled</p><script>undefinedFunction();</script></body></html>',
        "utf-8",
    )
    seen = visit(browser, page)
    assert 'id="x"' in seen.dom
    assert any("undefinedFunction" in line for line in seen.console), seen.console
    tight = page.with_name("tight.html")
    tight.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'\"><style>p {color: red}</style></head>"
        "<body><p>x</p></body></html>",
        "utf-8",
    )
    refused = visit(browser, tight).console
    assert any("Content Security Policy" in line for line in refused), refused
    assert seen.layout["width"] <= PHONE["width"]
    assert seen.layout["scrollWidth"] > seen.layout["width"] and seen.layout["wide"]


@needs_chromium
def test_browser_renders_every_rule_and_the_matrix_links_resolve(
    rules: er.RuleSet, visited: dict[str, Visit]
) -> None:
    for name, seen in visited.items():
        assert seen.console == [], name
        assert "</html>" in seen.dom, name
    dom = {name: Page(seen.dom) for name, seen in visited.items()}
    rendered_ids = {rule_id for page in dom.values() for rule_id in page.ids}
    assert {rule.id for rule in rules.rules} <= rendered_ids
    matrix_links = [
        href for cells in dom["index.html"].rows.values() for c in cells for href in c.hrefs
    ]
    assert len(matrix_links) > 100
    for href in matrix_links:
        target, fragment = href.split("#", 1)
        assert fragment in dom[target].ids, href
    assert _unresolved(dom) == []


@needs_chromium
def test_browser_pages_fit_a_phone_screen(visited: dict[str, Visit]) -> None:
    """Nothing but the tables (which scroll inside their box) may widen a page on a phone."""
    for name, seen in visited.items():
        layout = seen.layout
        assert layout["width"] <= PHONE["width"], f"{name} was not laid out at phone width"
        assert layout["scrollWidth"] <= layout["width"] and not layout["wide"], (name, layout)


@needs_chromium
def test_browser_phone_screenshots(rules: er.RuleSet, html_site: list[Path]) -> None:
    newest = f"{MATRIX_LAW}-{_versions(rules)[-1]}.html"
    ARTIFACTS.mkdir(exist_ok=True)
    for path in (p for p in html_site if p.name in {"index.html", newest}):
        shot = ARTIFACTS / f"catalogue-{path.stem}-phone.png"
        shot.unlink(missing_ok=True)
        run = _chromium([f"--screenshot={shot}", "--window-size=412,915"], path.as_uri())
        assert _console(run.stderr) == [], path.name
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (412, 915)
        assert len(data) > 20_000, f"{shot} looks blank ({len(data)} bytes)"  # blank ≈ 3 kB


# ---------------------------------------------------------------- across versions, search


def test_every_article_has_one_page_across_its_versions(
    rules: er.RuleSet, html_site: list[Path]
) -> None:
    pages = _pages(html_site)
    compares = {name: page for name, page in pages.items() if "-art-" in name}
    linked_from: dict[str, list[str]] = {}
    for name, page in compares.items():
        for href in page.hrefs:
            fragment = href.partition("#")[2]
            if fragment.startswith("file-"):
                linked_from.setdefault(fragment, []).append(name)
    for provision in rules.provisions:
        anchor = "file-" + _relative(rules, provision).removesuffix(".yaml").replace("/", "-")
        assert len(set(linked_from.get(anchor, []))) == 1, anchor  # on exactly one page
    text = next(p for p in html_site if p.name == "work_safety_law-art-098-099.html")
    html = text.read_text("utf-8")
    for start, article in (("2002", "第八十三条"), ("2014", "第九十六条"), ("2021", "第九十九条")):
        assert article in html and f"（{start}）" in html
    rows = compares["work_safety_law-art-098-099.html"].rows
    assert set(rows) >= {"no_warning_signs", "construction_safety_facilities"}
    assert all(len(cells) == 3 for cells in rows.values())  # one column per version
    assert "wsl2021-99-overdue" in _fragment_ids(rows["no_warning_signs"][2].hrefs)
    assert "wsl2002-83-overdue" in _fragment_ids(rows["no_warning_signs"][0].hrefs)


def test_version_pages_link_each_article_to_its_comparison(html_site: list[Path]) -> None:
    pages = _pages(html_site)
    page = pages["work_safety_law-2014-12-01.html"]
    assert "work_safety_law-art-098-099.html" in page.hrefs


def _relative(rules: er.RuleSet, provision: Provision) -> str:
    return Path(provision.file).relative_to(rules.source).as_posix()


def test_the_search_page_allows_only_its_own_script(html_site: list[Path]) -> None:
    import base64
    import hashlib

    from enforcement_rules.review.render import SEARCH_SCRIPT

    html = next(p for p in html_site if p.name == "search.html").read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(SEARCH_SCRIPT.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html and "default-src 'none'" in html
    assert html.count("<script") == 2  # the index (data, not run) and the script
    index = html.split('id="search-index">', 1)[1].split("</script>", 1)[0]
    assert "<" not in index and len(json.loads(index)) > 100


@needs_chromium
@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("安全警示标志 逾期", "wsl2021-99-overdue", "wsl2021-105-first"),
        ("疏散通道", "wsl2021-105-first", "wsl2021-99-overdue"),
        ("ＢＬＯＣＫＥＤ_EXITS", "wsl2021-105-first", "wsl2021-99-overdue"),  # full-width folded
    ],
)
def test_browser_search_finds_chinese_terms(
    html_site: list[Path], query: str, expected: str, absent: str
) -> None:
    search = next(p for p in html_site if p.name == "search.html")
    result = _chromium(["--dump-dom"], f"{search.as_uri()}?q={query}")
    assert _console(result.stderr) == []
    found = set(re.findall(r'data-id="([^"]+)"', result.stdout))
    assert expected in found and absent not in found, sorted(found)[:10]
    assert "条结果 (results)" in result.stdout
