"""A rule file's text cannot inject HTML, scripts, frames or `javascript:` links into the catalogue.

Defect: the Markdown catalogue passed `<script>`, `<iframe>` and `javascript:` links from titles
and notes straight into the docs site. The test renders hostile rule text and builds a real
MkDocs site from the Markdown, then reads the HTML a browser would get.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import enforcement_rules as er
from enforcement_rules.review.render import render

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_rules"
SCRIPT = "<script>window.pwned=1</script>"
FRAME = '<iframe src="https://evil.example"></iframe>'
LINK = "[点这里 (click)](javascript:alert('source'))"
IMAGE = "<img src=x onerror=alert('note')>"
HOSTILE_FILE = "art009_x`<b onclick=alert(1)>bold`.yaml"


def hostile_rules(root: Path) -> er.RuleSet:
    shutil.copytree(MINIMAL, root)
    demo = root / "demo_law" / "2020" / "art001_demo.yaml"
    text = demo.read_text("utf-8")
    quoted = {  # JSON strings are YAML double-quoted scalars
        "provision": json.dumps(f"示例 {SCRIPT} (demo)", ensure_ascii=False),
        "source": json.dumps(f"{LINK} &amp; more", ensure_ascii=False),
        "note": json.dumps(f"{IMAGE} {FRAME}", ensure_ascii=False),
        "rule": json.dumps(f"限期改正 {FRAME} (deadline)", ensure_ascii=False),
    }
    text = text.replace("title: 示例条文 (demo provision)", f"title: {quoted['provision']}")
    text = text.replace("source: test fixture", f"source: {quoted['source']}")
    text = text.replace("review: verified", f"review: pending\nreview_note: {quoted['note']}")
    text = text.replace("title: 限期改正 (correct by deadline)", f"title: {quoted['rule']}")
    demo.write_text(text, "utf-8")
    shutil.copy(demo, demo.with_name(HOSTILE_FILE))
    renamed = demo.with_name(HOSTILE_FILE)
    renamed.write_text(
        renamed.read_text("utf-8")
        .replace("id: demo-", "id: copy-")
        .replace("article: 1", "article: 9"),
        "utf-8",
    )
    return er.load_rules(root)


def assert_no_injection(html: str) -> None:
    assert "<script>window" not in html
    assert "<iframe" not in html
    assert "<img src=x" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    assert "<b onclick" not in html


def test_the_markdown_catalogue_escapes_every_text_from_rule_files(tmp_path: Path) -> None:
    rules = hostile_rules(tmp_path / "rules")
    render(rules, "md", tmp_path / "md")
    text = "".join(path.read_text("utf-8") for path in (tmp_path / "md").glob("*.md"))
    assert "&lt;script&gt;" in text and "\\[点这里 (click)\\]" in text
    assert SCRIPT not in text and FRAME not in text and LINK not in text


def test_the_docs_site_built_from_the_markdown_catalogue_has_no_injected_html(
    tmp_path: Path,
) -> None:
    pytest.importorskip("mkdocs", reason="the test extra installs mkdocs")
    rules = hostile_rules(tmp_path / "rules")
    docs = tmp_path / "docs"
    render(rules, "md", docs)
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: hostile\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
        "theme: {name: mkdocs}\nmarkdown_extensions: [tables, toc]\n",
        "utf-8",
    )
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(pages) >= 3
    html = "".join(page.read_text("utf-8") for page in pages)
    assert "&lt;script&gt;window" in html  # the title is shown, as text
    assert_no_injection(html)


def test_the_html_catalogue_escapes_every_text_from_rule_files(tmp_path: Path) -> None:
    rules = hostile_rules(tmp_path / "rules")
    render(rules, "html", tmp_path / "html")
    html = "".join(path.read_text("utf-8") for path in (tmp_path / "html").glob("*.html"))
    assert "&lt;script&gt;window" in html
    assert_no_injection(html)
