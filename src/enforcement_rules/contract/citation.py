"""`Citation`: one legal basis of a decision (law, version, article, paragraph, item, wording).

Also the citation as Chinese legal documents write it:
《中华人民共和国安全生产法》第九十九条第（三）项. The instrument's title comes from the
rule set (`laws.yaml`); the numbers are written here.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class Citation:
    """One legal basis: law, version, article, paragraph, item and its Chinese wording."""

    law: str
    version: str
    article: int
    paragraph: int | None = None
    item: int | None = None
    text_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "law": self.law,
            "version": self.version,
            "article": self.article,
            "paragraph": self.paragraph,
            "item": self.item,
            "text_zh": self.text_zh,
        }

    def formal_zh(self, title: str | None = None, *, family: bool = False) -> str:
        """The citation in Chinese legal form: `《title》第九十九条第一款第（三）项`.

        `title` is the instrument's title (None: the law code stands in); a `family` of
        instruments ("有关危险物品安全管理的法律、行政法规") is named without title marks."""
        return formal_zh(title or self.law, self.article, self.paragraph, self.item, family=family)

    @property
    def label(self) -> str:
        """`work_safety_law@2021-06-10 art. 97(1) ¶1 item 3`, for traces."""
        text = f"{self.law}@{self.version} art. {self.article}"
        if self.paragraph is not None:
            text += f" ¶{self.paragraph}"
        if self.item is not None:
            text += f" item {self.item}"
        return text


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """A whole number from 0 to 99,999 in Chinese numerals as article numbers are written:
    `10` 十, `14` 十四, `105` 一百零五, `110` 一百一十, `1000` 一千, `1005` 一千零五."""
    if not 0 <= number < 100_000:
        raise ValueError(f"{number} is outside 0..99,999")
    if number == 0:
        return _DIGITS[0]
    parts: list[str] = []
    zero = False
    for value, unit in ((10_000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            if zero:
                parts.append(_DIGITS[0])
            parts.append(_DIGITS[digit] + unit)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def formal_zh(
    title: str,
    article: int,
    paragraph: int | None = None,
    item: int | None = None,
    *,
    family: bool = False,
) -> str:
    """`《title》第N条[第N款][第（N）项]`, the form of decisions and legal opinions."""
    text = title if family else f"《{title}》"
    text += f"第{chinese_numeral(article)}条"
    if paragraph is not None:
        text += f"第{chinese_numeral(paragraph)}款"
    if item is not None:
        text += f"第（{chinese_numeral(item)}）项"
    return text


def chinese_date(day: str) -> str:
    """`2021-06-10` → `2021年6月10日` (a version's date as Chinese text writes it)."""
    year, month, date = day.split("-")
    return f"{year}年{int(month)}月{int(date)}日"
