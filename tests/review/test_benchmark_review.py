"""The benchmark in review: beside its provision in the catalogue, band by band in `diff`, and
listed by `check` while its review is pending."""

from __future__ import annotations

import shutil
from pathlib import Path

import enforcement_rules as er
from enforcement_rules.proving.verify import verify
from enforcement_rules.review.diff import catalogue_changes
from enforcement_rules.review.render import benchmark_views, render

RULES = er.load_rules()


def provision(law: str, version: str, article: int) -> object:
    return next(
        p for p in RULES.provisions if (p.law, p.version, p.article) == (law, version, article)
    )


def test_the_catalogue_shows_the_benchmark_beside_the_provision_it_narrows(tmp_path: Path) -> None:
    art99 = provision("work_safety_law", "2021-06-10", 99)
    (view,) = benchmark_views(RULES, art99)  # type: ignore[arg-type]
    assert view.benchmark == "shanxi-2021" and not view.applied
    assert [tier.text_zh for tier in view.tiers][:2] == ["有1处的", "有2处的"]
    assert "逾期未改正 (overdue): 生产经营单位 50,000–80,000 元" in view.tiers[1].bands
    assert benchmark_views(RULES, provision("work_safety_law", "2021-06-10", 105)) == ()  # type: ignore[arg-type]
    render(RULES, "html", tmp_path)
    page = (tmp_path / "work_safety_law-2021-09-01.html").read_text(encoding="utf-8")
    assert page.count('class="benchmark"') == 3
    assert "应急〔2024〕90号" in page and "晋应急发〔2021〕260号" in page


def test_diff_reports_a_band_change(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(er.bundled_rules_dir(), root)
    path = root / "discretion" / "shanxi-2021.yaml"
    text = path.read_text(encoding="utf-8")
    old = "overdue: {unit: {min_yuan: 80000, max_yuan: 130000}}"
    path.write_text(text.replace(old, old.replace("130000", "120000")), encoding="utf-8")
    changes = catalogue_changes(RULES, er.load_rules(root))
    (change,) = changes
    assert change.field == "benchmark shanxi-2021 wsl2021-99-1 tier 3 (有3处的) overdue unit"
    assert (change.old, change.new) == ("80,000–130,000", "80,000–120,000")
    applied = catalogue_changes(RULES, er.load_rules(benchmarks=["shanxi-2021"]))
    assert [c.field for c in applied] == ["benchmark shanxi-2021 window"]


def test_check_lists_pending_benchmarks() -> None:
    report = verify(RULES, max_classes=1)
    pending = [f.message for f in report.findings if f.category == "pending"]
    assert any(
        m.startswith(
            "discretion/shanxi-2021.yaml: discretion benchmark shanxi-2021, 2 row(s), not applied"
        )
        for m in pending
    )
    assert any("national-2024, 1 row(s), applied" in m for m in pending)
