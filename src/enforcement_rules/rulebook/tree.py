"""What a rules directory holds, read safely: every entry is read, refused or named as ignored.

A rules directory may come from a pull request, so reading it must not leak or hang:
- links are followed only to files inside the directory; a link out of it, a link to a
  directory, or a broken link is refused (its target is never opened, so nothing of it is shown);
- only regular files are opened (a FIFO or a device named `x.yaml` is refused, not read);
- a file above `MAX_FILE_BYTES` is refused;
- rule files are `*.yaml` / `*.yml` in any letter case; declared data files (the case-law
  thresholds) are read by their own stage; any other file under a declared folder is an error;
  every other file is listed as ignored, with the reason, so nothing is a blind spot.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

import attrs

from ..contract.errors import RuleFileError

#: Files of a rules directory that are read by another stage with their own schema, and why.
DATA_FILES: dict[str, str] = {
    "cases/case_law.yaml": "enforcement-case thresholds, read by enforcement_rules.cases",
    "inspections/combining.yaml": "how an inspection's findings are combined, read by "
    "enforcement_rules.rulebook.combining",
}
#: Folders whose every YAML file is a data file of one stage (any name), and which stage.
DATA_FOLDER_FILES: dict[str, str] = {
    "discretion": "discretion benchmarks, read by enforcement_rules.rulebook.discretion",
}
#: Folders that hold only declared data files: anything else in them is an error, not a rule.
DATA_FOLDERS = frozenset(PurePosixPath(name).parts[0] for name in DATA_FILES) | frozenset(
    DATA_FOLDER_FILES
)
YAML_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 1024 * 1024


@attrs.frozen
class Entry:
    """A file to read: its path relative to the root (POSIX form) and its text."""

    relative: str
    path: Path
    text: str


@attrs.frozen
class Tree:
    """A rules directory sorted into what is read and what is not."""

    rule_files: tuple[Entry, ...]
    data_files: tuple[Entry, ...]
    ignored: tuple[tuple[str, str], ...]  # (relative path, why it is not read)
    errors: tuple[RuleFileError, ...]


def read_tree(root: Path) -> Tree:
    """Sort and read every entry under `root` (see the module docstring)."""
    real_root = root.resolve()
    rule_files: list[Entry] = []
    data_files: list[Entry] = []
    ignored: list[tuple[str, str]] = []
    errors: list[RuleFileError] = []
    for directory, subdirs, files in os.walk(root, followlinks=False):
        here = Path(directory)
        for name in sorted(subdirs):
            if (here / name).is_symlink():
                relative = (here / name).relative_to(root).as_posix()
                errors.append(_refused(root, relative, "a link to a directory is not followed"))
        subdirs[:] = sorted(name for name in subdirs if not (here / name).is_symlink())
        for name in sorted(files):
            path = here / name
            relative = path.relative_to(root).as_posix()
            top = PurePosixPath(relative).parts[0]
            declared = relative in DATA_FILES or (
                top in DATA_FOLDER_FILES
                and len(PurePosixPath(relative).parts) == 2
                and name.lower().endswith(YAML_SUFFIXES)
            )
            if not declared and not name.lower().endswith(YAML_SUFFIXES):
                if top in DATA_FOLDERS:
                    errors.append(_refused(root, relative, _not_declared(top)))
                else:
                    ignored.append((relative, "not a .yaml or .yml file"))
                continue
            if not declared and top in DATA_FOLDERS:
                errors.append(_refused(root, relative, _not_declared(top)))
                continue
            text = _read(root, real_root, path, relative, errors)
            if text is not None:
                (data_files if declared else rule_files).append(Entry(relative, path, text))
    return Tree(tuple(rule_files), tuple(data_files), tuple(ignored), tuple(errors))


def _not_declared(folder: str) -> str:
    if folder in DATA_FOLDER_FILES:
        return (
            f"the {folder}/ folder holds only {DATA_FOLDER_FILES[folder]} (*.yaml, no subfolders)"
        )
    known = ", ".join(name for name in DATA_FILES if name.startswith(f"{folder}/"))
    return f"the {folder}/ folder holds only its declared data files ({known}), not rule files"


def _read(
    root: Path, real_root: Path, path: Path, relative: str, errors: list[RuleFileError]
) -> str | None:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            errors.append(_refused(root, relative, "a broken link is not read"))
            return None
        if not target.is_relative_to(real_root):
            errors.append(_refused(root, relative, "a link out of the rules directory is refused"))
            return None
    try:
        status = os.stat(path)
    except OSError as error:
        errors.append(_refused(root, relative, f"cannot be read ({error.strerror})"))
        return None
    if not stat.S_ISREG(status.st_mode):
        errors.append(_refused(root, relative, "not a regular file (a FIFO, device or folder)"))
        return None
    if status.st_size > MAX_FILE_BYTES:
        errors.append(
            _refused(root, relative, f"larger than {MAX_FILE_BYTES // 1024} KiB: not a rule file")
        )
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        errors.append(_refused(root, relative, f"cannot be read ({error.strerror})"))
        return None
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is dropped
    except UnicodeDecodeError as error:
        errors.append(_refused(root, relative, f"not UTF-8 text (byte {error.start})"))
        return None


def read_file(path: Path) -> str:
    """One data file read with the same care (regular file, size, UTF-8), or `RuleFileError`."""
    errors: list[RuleFileError] = []
    text = _read(path.parent, path.parent.resolve(), path, path.name, errors)
    if text is None:
        raise errors[0]
    return text


def _refused(root: Path, relative: str, reason: str) -> RuleFileError:
    return RuleFileError(str(root / relative), None, None, reason)
