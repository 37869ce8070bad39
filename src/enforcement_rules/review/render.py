"""The rule set as a catalogue for legal staff: Markdown files or a static HTML site.

Legal staff review the law as encoded without reading YAML: per law version, per article (with
its review status, pending files made conspicuous), per rule (its condition in words, its formal
citation, its outcome, its examples), one page per article across its versions side by side,
and an index whose kind × version matrix links every cell to the rules deciding it. The HTML
site has a search page that finds Chinese terms in the browser (`search.html`: one inline
script, allowed by the page's Content-Security-Policy hash; every other page has none).
Everything shown is prepared here once, as plain strings in small view classes, so the
Markdown and HTML templates (`templates/`) only lay it out and cannot disagree. Output is
deterministic (no timestamps, stable order) so a catalogue can be diffed and committed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import attrs
import jinja2
import markupsafe

from ..contract.citation import chinese_numeral
from ..contract.fines import yuan
from ..contract.vocabulary import FACT_FIELDS, FineTarget, PenaltyAdjustment
from ..rulebook.benchmark import Band
from ..rulebook.model import Provision, Rule, RuleSet
from .coverage import deciding_rules
from .explain import describe, describe_fine, in_words, review_label

log = logging.getLogger(__name__)


#: The law whose versions are the columns of the index matrix (the violation kinds are its).
MATRIX_LAW = "work_safety_law"

Format = Literal["md", "html"]


@attrs.frozen
class Field:
    """One labelled line of a rule's outcome, e.g. `罚款 (fine) — the unit: 0–100,000 元`."""

    label: str
    value: str


@attrs.frozen
class ExampleView:
    """Facts and expectations as `key: value` entries, one per line on a narrow screen."""

    name: str
    facts: tuple[str, ...]
    expected: tuple[str, ...]


@attrs.frozen
class RuleView:
    """One rule as legal staff read it; `id` is also its HTML anchor, so links can cite it.
    `condition` is in words (Chinese, English beside); `written` as the rule file has it."""

    id: str
    title: str
    role: str
    citation: str
    condition: str
    written: str
    outcome: tuple[Field, ...]
    examples: tuple[ExampleView, ...]
    review: str
    pending: bool
    location: str


@attrs.frozen
class ItemView:
    number: int
    text_zh: str
    kinds: str


@attrs.frozen
class TierView:
    number: int
    text_zh: str
    bands: str  # "责令限期改正 (first): 生产经营单位 10,000–20,000 元; …"


@attrs.frozen
class BenchmarkView:
    """A discretion-benchmark row that narrows this provision (裁量基准), shown beside it."""

    title: str  # 《…》（文号）
    benchmark: str
    row: str
    number: str
    item: str
    kinds: str
    by: str  # the tier fact, in words
    scope: str
    in_force: str
    applied: bool
    complete: bool
    review: str
    source: str
    tiers: tuple[TierView, ...]


@attrs.frozen
class ArticleView:
    """One rule file: its provision, review status and rules (in the order the file has them)."""

    anchor: str
    article: int
    article_zh: str  # 第九十九条
    title: str
    text_zh: str
    items: tuple[ItemView, ...]
    fine_limits: str
    applies_by: str
    source: str
    review: str
    review_note: str
    pending: bool
    file: str
    rules: tuple[RuleView, ...]
    compare: str = ""  # the stem of its page across versions
    benchmarks: tuple[BenchmarkView, ...] = ()


@attrs.frozen
class PageView:
    """One law version: its page file is `<stem>.md` or `<stem>.html`."""

    stem: str
    law: str
    law_zh: str
    law_en: str
    version: str
    start: str  # the in-force date that names the version in decisions (`law@start`)
    in_force: str
    articles: tuple[ArticleView, ...]

    @property
    def rule_count(self) -> int:
        return sum(len(article.rules) for article in self.articles)

    @property
    def pending(self) -> tuple[ArticleView, ...]:
        return tuple(article for article in self.articles if article.pending)


@attrs.frozen
class CellLink:
    """A link from a matrix cell to a rule deciding that kind in that version."""

    rule_id: str
    page: str
    no_provision: bool
    pending: bool


@attrs.frozen
class MatrixRow:
    kind: str
    zh: str
    en: str
    cells: tuple[tuple[CellLink, ...], ...]  # one per column; empty: not encoded


@attrs.frozen
class Matrix:
    law_zh: str
    law_en: str
    columns: tuple[PageView, ...]
    rows: tuple[MatrixRow, ...]


def render(
    rules: RuleSet,
    fmt: Format,
    out_dir: Path,
    *,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the catalogue of `rules` into `out_dir` and return the files written, index first.

    `md`: `index.md`, one `<law>-<in force from>.md` per law version and one
    `<law>-art-<articles>.md` per article across its versions. `html`: the same as a
    self-contained static site (inline CSS, nothing fetched at view time) with `search.html`.
    """
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown catalogue format {fmt!r} (allowed: md, html)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    comparisons = _comparisons(rules)
    compare_of = {file: c.stem for c in comparisons for file in c.files}
    pages = _pages(rules, compare_of)
    env = _environment(fmt)
    context = {"digest": rules.digest, "pages": pages, "comparisons": comparisons}
    written = [out / f"index.{fmt}"]
    _write(
        written[0],
        env.get_template(f"{fmt}/index.{fmt}").render(matrix=_matrix(rules, pages), **context),
    )
    template = env.get_template(f"{fmt}/version.{fmt}")
    compare = env.get_template(f"{fmt}/compare.{fmt}")
    todo = [(page.stem, template, {"page": page}) for page in pages] + [
        (comparison.stem, compare, {"comparison": comparison}) for comparison in comparisons
    ]
    for number, (stem, page_template, values) in enumerate(todo, start=1):
        path = out / f"{stem}.{fmt}"
        _write(path, page_template.render(**values, **context))
        written.append(path)
        if progress is not None:
            progress(f"page {number} of {len(todo)}")
    if fmt == "html":
        path = out / "search.html"
        entries = _search_entries(pages, comparisons)
        _write(path, env.get_template("html/search.html").render(**_search(entries), **context))
        written.append(path)
    log.info("wrote %d files to %s", len(written), out)
    return written


@cache
def _environment(fmt: Format) -> jinja2.Environment:
    """Templates ship in the package. Every value from a rule file is escaped on output: HTML by
    autoescaping, Markdown by `_markdown_text` (HTML specials and link syntax), so a title or
    note cannot put a script, a frame or a `javascript:` link into the catalogue or the docs
    site built from it."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=fmt == "html",
        finalize=_markdown_text if fmt == "md" else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = _markdown_cell
    env.filters["oneline"] = _oneline
    env.filters["code"] = _markdown_code
    return env


_MARKDOWN_ESCAPES = str.maketrans(
    {"\\": "\\\\", "&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]"}
)


def _markdown_text(value: object) -> object:
    """A value as Markdown text: no raw HTML, no link or image syntax, no entity from it."""
    if isinstance(value, markupsafe.Markup):  # already made safe (`code`)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value).translate(_MARKDOWN_ESCAPES)


def _markdown_code(value: object) -> markupsafe.Markup:
    """A value inside a `code span`: Markdown shows it literally, HTML included, so only a
    backtick (which would end the span) has to go."""
    return markupsafe.Markup(_oneline(str(value)).replace("`", "'"))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _oneline(text: str) -> str:
    """Folded YAML text and notes on one line (Markdown lists and quotes break on newlines)."""
    return " ".join(str(text).split())


def _markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return _oneline(text).replace("|", "\\|")


def _pages(rules: RuleSet, compare_of: Mapping[str, str]) -> tuple[PageView, ...]:
    """One page per law version (law and in-force date), laws in `laws.yaml` order."""
    groups: dict[tuple[str, dt.date], list[Provision]] = {}
    for provision in rules.provisions:
        groups.setdefault((provision.law, provision.in_force_from), []).append(provision)
    order = {code: index for index, code in enumerate(rules.laws)}
    by_file: dict[str, list[Rule]] = {}
    for rule in rules.rules:
        by_file.setdefault(rule.provision.file, []).append(rule)
    pages = []
    for law, start in sorted(groups, key=lambda key: (order[key[0]], key[1])):
        provisions = sorted(groups[law, start], key=lambda p: (p.article, _relative(rules, p.file)))
        pages.append(
            PageView(
                stem=_stem(law, start),
                law=law,
                law_zh=rules.laws[law].zh,
                law_en=rules.laws[law].en,
                version=", ".join(sorted({p.version for p in provisions})),
                start=start.isoformat(),
                in_force="; ".join(sorted({_in_force(p) for p in provisions})),
                articles=tuple(
                    attrs.evolve(
                        _article(rules, p, by_file[p.file]), compare=compare_of.get(p.file, "")
                    )
                    for p in provisions
                ),
            )
        )
    return tuple(pages)


def _stem(law: str, start: dt.date) -> str:
    """A version page's file name without extension, the target of the matrix links."""
    return f"{law}-{start.isoformat()}"


def rule_link(rule: Rule, fmt: Format = "html") -> str:
    """Where `rule` is in the catalogue: its version page and its anchor, relative to the index
    (`work_safety_law-2021-09-01.html#wsl2021-105-first`), for links from other pages."""
    return f"{_stem(rule.provision.law, rule.provision.in_force_from)}.{fmt}#{rule.id}"


def _relative(rules: RuleSet, file: str) -> str:
    """A rule file's path inside the rules directory, the same on every checkout."""
    try:
        return Path(file).relative_to(rules.source).as_posix()
    except ValueError:
        return Path(file).name


def _pending(provision: Provision) -> bool:
    """Anything but `verified` is pending (docs/rule-files.md, "Review status")."""
    return provision.review != "verified"


def _in_force(provision: Provision) -> str:
    start = provision.in_force_from.isoformat()
    if provision.in_force_until is None:
        return f"{start} 起施行，现行有效 (in force since {start})"
    until = provision.in_force_until.isoformat()
    return f"{start} 起施行，{until} 起失效 (in force from {start}, replaced on {until})"


def _article(rules: RuleSet, provision: Provision, file_rules: Sequence[Rule]) -> ArticleView:
    file = _relative(rules, provision.file)
    limits = "; ".join(
        f"{_target(target)} ≤ {yuan(amount)} 元 (yuan)"
        for target, amount in sorted((provision.fine_limits or {}).items())
    )
    return ArticleView(
        anchor=_anchor(file),
        article=provision.article,
        article_zh=f"第{chinese_numeral(provision.article)}条",
        title=provision.title,
        text_zh=provision.text_zh,
        items=tuple(
            ItemView(
                number,
                item.text_zh,
                ", ".join(f"{kind} {rules.kinds[kind].zh}" for kind in item.kinds),
            )
            for number, item in sorted(provision.items.items())
        ),
        fine_limits=limits,
        applies_by="" if provision.applies_by == "occurred_on" else provision.applies_by,
        source=provision.source,
        review=review_label(provision.review),
        review_note=provision.review_note,
        pending=_pending(provision),
        file=file,
        rules=tuple(_rule(rules, rule, file) for rule in sorted(file_rules, key=lambda r: r.line)),
        benchmarks=benchmark_views(rules, provision),
    )


_STAGES = {"first": "责令限期改正 (first finding)", "overdue": "逾期未改正 (overdue)"}


def benchmark_views(rules: RuleSet, provision: Provision) -> tuple[BenchmarkView, ...]:
    """Every loaded benchmark row narrowing `provision`, the most local last."""
    views: list[BenchmarkView] = []
    for benchmark in sorted(rules.benchmarks, key=lambda b: (b.rank, b.id)):
        for row in benchmark.rows:
            if (row.law, row.version, row.article) != (
                provision.law,
                provision.version,
                provision.article,
            ):
                continue
            zh, en = FACT_FIELDS[row.by]
            views.append(
                BenchmarkView(
                    title=f"《{benchmark.title_zh}》（{benchmark.document}）",
                    benchmark=benchmark.id,
                    row=row.id,
                    number=row.number,
                    item="" if row.item is None else f"第（{chinese_numeral(row.item)}）项",
                    kinds=", ".join(f"{kind} {rules.kinds[kind].zh}" for kind in row.kinds),
                    by=f"{zh} ({en}, `{row.by}`)",
                    scope=benchmark.region or "全国 (national)",
                    in_force=f"{benchmark.in_force_from} – {benchmark.in_force_until or ''}",
                    applied=benchmark.applied,
                    complete=row.complete,
                    review=review_label(benchmark.review),
                    source=benchmark.source,
                    tiers=tuple(
                        TierView(tier.number, tier.text_zh, _tier_bands(tier.bands))
                        for tier in row.tiers
                    ),
                )
            )
    return tuple(views)


def _tier_bands(bands: Mapping[str, Sequence[Band]]) -> str:
    return "; ".join(
        f"{_STAGES[stage]}: "
        + ", ".join(
            f"{band.target.zh} {yuan(band.min_yuan)}–{yuan(band.max_yuan)} 元" for band in found
        )
        for stage, found in bands.items()
    )


def _anchor(file: str) -> str:
    return "file-" + file.removesuffix(".yaml").replace("/", "-")


def _rule(rules: RuleSet, rule: Rule, file: str) -> RuleView:
    return RuleView(
        id=rule.id,
        title=rule.title,
        role=_role(rule),
        citation=_citation(rules, rule),
        condition=in_words(rule.when, rules.kinds, "both"),
        written=describe(rule.when),
        outcome=tuple(_outcome(rules, rule)),
        examples=tuple(
            ExampleView(
                example.name,
                _flow_fields(example.facts),
                _flow_fields(example.expect)
                if example.fires
                else ("不触发本规则 (must not fire)",),
            )
            for example in rule.examples
        ),
        review=review_label(rule.provision.review),
        pending=_pending(rule.provision),
        location=f"{file}:{rule.line}",
    )


def _role(rule: Rule) -> str:
    """Which of the three rule roles of docs/rule-files.md this rule plays."""
    if rule.then.decides_penalty:
        return "处罚规则 (penalty rule: decides the penalty)"
    if rule.then.penalty_adjustment is not PenaltyAdjustment.NONE:
        return "调整规则 (adjustment rule: 从轻/减轻/不予处罚)"
    return "措施规则 (measure rule: adds on-site measures)"


def _citation(rules: RuleSet, rule: Rule) -> str:
    """The rule's citation in the formal form, `《中华人民共和国安全生产法》第一百零三条第一款
    第（一）、（二）项 (Art. 103 para. 1 items 1, 2)`."""
    provision = rule.provision
    law = rules.laws.get(provision.law)
    title = law.title if law else provision.law
    zh = title if law and law.family else f"《{title}》"
    zh += f"第{chinese_numeral(provision.article)}条"
    en = f"Art. {provision.article}"
    if rule.paragraph is not None:
        zh += f"第{chinese_numeral(rule.paragraph)}款"
        en += f" para. {rule.paragraph}"
    if rule.items:
        zh += "第" + "、".join(f"（{chinese_numeral(n)}）" for n in rule.items) + "项"
        en += f" item{'s' if len(rule.items) > 1 else ''} " + ", ".join(map(str, rule.items))
    return f"{zh} ({en})"


def _outcome(rules: RuleSet, rule: Rule) -> Iterable[Field]:
    then = rule.then
    if then.measures:
        yield Field(
            "现场处理措施 (on-site measures)", "；".join(measure.label for measure in then.measures)
        )
    if then.penalties is not None:
        shown = "；".join(penalty.label for penalty in then.penalties)
        yield Field(
            "行政处罚 (penalties)", shown or "本阶段无处罚类别 (no penalty category at this stage)"
        )
    if then.no_provision:
        yield Field(
            "无罚则 (no provision)",
            "本法此版本对此无处罚规定 (this law version has no penalty provision for the case)",
        )
    if then.decides_penalty:
        yield Field("处罚依据 (penalty basis)", then.penalty_basis.label)
    if then.referred_to is not None:
        law = rules.laws.get(then.referred_to)
        named = f"{law.zh} ({law.en})" if law is not None else then.referred_to
        yield Field("转引 (referred to)", named)
    if then.competent_authority is not None:
        yield Field("决定机关 (decided by)", then.competent_authority.label)
    for fine in then.fines:
        yield Field(f"罚款 (fine) — {fine.target.label}", describe_fine(fine))
    if then.penalty_adjustment is not PenaltyAdjustment.NONE:
        yield Field("处罚调整 (penalty adjustment)", then.penalty_adjustment.label)
    if then.daily_fine:
        yield Field("按日连续处罚 (daily fine)", "可以适用 (may follow)")
    for note in then.notes:
        yield Field("备注 (note)", note)


def _target(code: str) -> str:
    try:
        return FineTarget.parse(code).label
    except ValueError:
        return code


def _flow_fields(mapping: Mapping[str, object]) -> tuple[str, ...]:
    """Example facts or expectations as `key: value` in YAML flow style, as in the files."""
    return tuple(f"{key}: {_flow(value)}" for key, value in mapping.items())


def _flow(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return str(value)


def _matrix(rules: RuleSet, pages: Sequence[PageView]) -> Matrix:
    """Kind × version of `MATRIX_LAW`: the penalty rules (or no-provision rules) deciding each."""
    columns = tuple(page for page in pages if page.law == MATRIX_LAW)
    cells: dict[tuple[str, str], list[CellLink]] = {}
    for (kind, version), deciding in deciding_rules(rules, MATRIX_LAW).items():
        page = _stem(MATRIX_LAW, version)
        cells[(kind, page)] = [
            CellLink(rule.id, page, rule.then.no_provision, _pending(rule.provision))
            for rule in deciding
        ]
    law = rules.laws.get(MATRIX_LAW)
    return Matrix(
        law_zh=law.zh if law else MATRIX_LAW,
        law_en=law.en if law else "",
        columns=columns,
        rows=tuple(
            MatrixRow(
                kind,
                rules.kinds[kind].zh,
                rules.kinds[kind].en,
                tuple(
                    tuple(sorted(cells.get((kind, page.stem), ()), key=lambda c: c.rule_id))
                    for page in columns
                ),
            )
            for kind in sorted(rules.kinds)
        ),
    )


# -- one page per article across its versions ---------------------------------------------


@attrs.frozen
class ColumnArticle:
    """One article of one version in a comparison column."""

    article_zh: str
    article: int
    title: str
    text_zh: str
    page: str
    anchor: str
    review: str
    pending: bool


@attrs.frozen
class Column:
    """One version of the law in a comparison: its page, in-force date and articles."""

    page: str
    version: str
    start: str
    articles: tuple[ColumnArticle, ...]


@attrs.frozen
class CompareCell:
    rule_id: str
    title: str
    page: str
    no_provision: bool
    pending: bool


@attrs.frozen
class CompareRow:
    kind: str
    zh: str
    en: str
    cells: tuple[tuple[CompareCell, ...], ...]  # one per column; empty: no rule decides it


@attrs.frozen
class ComparisonView:
    """One article across the versions of its law, side by side: provisions are the same article
    when they decide the same kinds (the law renumbers: 2002 Art. 83, 2014 Art. 96, 2021 Art. 99),
    or, deciding none, carry the same number; its page file is `<stem>.md` or `<stem>.html`."""

    stem: str
    law: str
    law_zh: str
    law_en: str
    heading: str
    columns: tuple[Column, ...]
    rows: tuple[CompareRow, ...]
    files: tuple[str, ...]


def _provision_kinds(rules: RuleSet) -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {p.file: set() for p in rules.provisions}
    for provision in rules.provisions:
        for item in provision.items.values():
            kinds[provision.file] |= set(item.kinds)
    for rule in rules.rules:
        kinds[rule.provision.file] |= rule.named_kinds()
    return {file: frozenset(found) for file, found in kinds.items()}


def _comparisons(rules: RuleSet) -> tuple[ComparisonView, ...]:
    """The article families of every law, in `laws.yaml` order, then by latest article."""
    kinds = _provision_kinds(rules)
    parent = {p.file: p.file for p in rules.provisions}

    def root(file: str) -> str:
        while parent[file] != file:
            parent[file] = parent[parent[file]]
            file = parent[file]
        return file

    by_law: dict[str, list[Provision]] = {}
    for provision in rules.provisions:
        by_law.setdefault(provision.law, []).append(provision)
    for provisions in by_law.values():
        for one, other in itertools.combinations(provisions, 2):
            same_version = one.in_force_from == other.in_force_from
            same_number = one.article == other.article
            linked = (
                (same_version and same_number)
                or (not same_version and bool(kinds[one.file] & kinds[other.file]))
                or (same_number and not kinds[one.file] and not kinds[other.file])
            )
            if linked:
                parent[root(one.file)] = root(other.file)
    families: dict[str, list[Provision]] = {}
    for provision in rules.provisions:
        families.setdefault(root(provision.file), []).append(provision)
    order = {code: index for index, code in enumerate(rules.laws)}
    views = [_comparison(rules, members, kinds) for members in families.values()]
    return tuple(sorted(views, key=lambda v: (order[v.law], v.stem)))


def _comparison(
    rules: RuleSet, members: Sequence[Provision], kinds: Mapping[str, frozenset[str]]
) -> ComparisonView:
    law = members[0].law
    starts = sorted({p.in_force_from for p in members})
    latest = sorted({p.article for p in members if p.in_force_from == starts[-1]})
    stem = f"{law}-art-" + "-".join(f"{n:03d}" for n in latest)
    columns = []
    for start in starts:
        here = sorted(
            (p for p in members if p.in_force_from == start),
            key=lambda p: (p.article, _relative(rules, p.file)),
        )
        columns.append(
            Column(
                page=_stem(law, start),
                version=", ".join(sorted({p.version for p in here})),
                start=start.isoformat(),
                articles=tuple(
                    ColumnArticle(
                        article_zh=f"第{chinese_numeral(p.article)}条",
                        article=p.article,
                        title=p.title,
                        text_zh=p.text_zh,
                        page=_stem(law, start),
                        anchor=_anchor(_relative(rules, p.file)),
                        review=p.review,
                        pending=_pending(p),
                    )
                    for p in here
                ),
            )
        )
    files = {p.file for p in members}
    named = sorted(set().union(*(kinds[p.file] for p in members)))
    rows = []
    for kind in named:
        cells = []
        for column_start in starts:
            deciding = sorted(
                (
                    rule
                    for rule in rules.rules
                    if rule.provision.file in files
                    and rule.provision.in_force_from == column_start
                    and rule.then.decides_penalty
                    and kind in rule.named_kinds()
                ),
                key=lambda rule: rule.id,
            )
            cells.append(
                tuple(
                    CompareCell(
                        rule.id,
                        rule.title,
                        _stem(law, column_start),
                        rule.then.no_provision,
                        _pending(rule.provision),
                    )
                    for rule in deciding
                )
            )
        if kind in rules.kinds:
            rows.append(CompareRow(kind, rules.kinds[kind].zh, rules.kinds[kind].en, tuple(cells)))
    heading = " · ".join(
        "、".join(dict.fromkeys(a.article_zh for a in column.articles)) + f"（{column.start[:4]}）"
        for column in reversed(columns)
    )
    info = rules.laws.get(law)
    return ComparisonView(
        stem=stem,
        law=law,
        law_zh=info.zh if info else law,
        law_en=info.en if info else "",
        heading=heading,
        columns=tuple(columns),
        rows=tuple(rows),
        files=tuple(sorted(files)),
    )


# -- client-side search (HTML) --------------------------------------------------------------

#: The search page's script, inline (the catalogue fetches nothing) and allowed by its hash in
#: the page's Content-Security-Policy. Matching is by substring after NFKC folding, so Chinese
#: terms are found without word segmentation; every space-separated term must match.
SEARCH_SCRIPT = """
(function () {
  "use strict";
  var index = JSON.parse(document.getElementById("search-index").textContent);
  var box = document.getElementById("q"), list = document.getElementById("results");
  var count = document.getElementById("count");
  function fold(text) { return text.normalize("NFKC").toLowerCase(); }
  for (var i = 0; i < index.length; i++) { index[i].folded = fold(index[i].text); }
  function show() {
    var terms = fold(box.value).split(/\\s+/).filter(function (t) { return t; });
    list.textContent = "";
    var found = 0;
    for (var i = 0; i < index.length && terms.length; i++) {
      var entry = index[i];
      if (!terms.every(function (t) { return entry.folded.indexOf(t) >= 0; })) { continue; }
      found++;
      if (found > 200) { continue; }
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = entry.href;
      link.textContent = entry.label;
      item.appendChild(link);
      var where = document.createElement("span");
      where.className = "en";
      where.textContent = " " + entry.where;
      item.appendChild(where);
      item.setAttribute("data-id", entry.id);
      list.appendChild(item);
    }
    count.textContent = terms.length ? found + " 条结果 (results)" : "";
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { box.value = query; }
  box.addEventListener("input", show);
  show();
})();
"""


@attrs.frozen
class SearchEntry:
    id: str
    label: str
    where: str
    href: str
    text: str


def _search_entries(
    pages: Sequence[PageView], comparisons: Sequence[ComparisonView]
) -> list[SearchEntry]:
    """What the search finds: every rule (title, condition in words, citation, outcome, its
    article's title and text, its examples' names) and every article across versions."""
    entries = []
    for page in pages:
        for article in page.articles:
            for rule in article.rules:
                words = [
                    rule.id,
                    rule.title,
                    rule.condition,
                    rule.written,
                    rule.citation,
                    article.title,
                    article.text_zh,
                    *(f"{field.label} {field.value}" for field in rule.outcome),
                    *(example.name for example in rule.examples),
                ]
                entries.append(
                    SearchEntry(
                        id=rule.id,
                        label=f"{rule.id} {rule.title}",
                        where=f"{page.law_zh} {page.version} {article.article_zh}",
                        href=f"{page.stem}.html#{rule.id}",
                        text=" ".join(_oneline(w) for w in words),
                    )
                )
    for comparison in comparisons:
        words = [comparison.law_zh, comparison.heading]
        words += [f"{row.kind} {row.zh} {row.en}" for row in comparison.rows]
        entries.append(
            SearchEntry(
                id=comparison.stem,
                label=f"{comparison.law_zh} {comparison.heading}",
                where="各版本对照 (across versions)",
                href=f"{comparison.stem}.html",
                text=" ".join(words),
            )
        )
    return entries


def _search(entries: Sequence[SearchEntry]) -> dict[str, object]:
    """The search page's values: its index as JSON safe inside a `<script>` element, the script
    and the script's CSP hash."""
    data = json.dumps(
        [attrs.asdict(entry) for entry in entries], ensure_ascii=False, separators=(",", ":")
    )
    safe = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(SEARCH_SCRIPT.encode("utf-8")).digest()
    return {
        "index_json": markupsafe.Markup(safe),
        "script": markupsafe.Markup(SEARCH_SCRIPT),
        "script_hash": "sha256-" + base64.b64encode(digest).decode("ascii"),
        "entry_count": len(entries),
    }
