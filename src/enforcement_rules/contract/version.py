"""The library's version, from the installed package's metadata (one source of truth)."""

from __future__ import annotations

from functools import cache
from importlib import metadata


@cache
def library_version() -> str:
    """`enforcement-rules`' version as installed; `0+unknown` from a bare source tree."""
    try:
        return metadata.version("enforcement-rules")
    except metadata.PackageNotFoundError:
        return "0+unknown"
