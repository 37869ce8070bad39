"""`Citation`: one legal basis of a decision (law, version, article, paragraph, item, wording)."""

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

    @property
    def label(self) -> str:
        """`work_safety_law@2021-06-10 art. 97(1) ¶1 item 3`, for traces."""
        text = f"{self.law}@{self.version} art. {self.article}"
        if self.paragraph is not None:
            text += f" ¶{self.paragraph}"
        if self.item is not None:
            text += f" item {self.item}"
        return text
