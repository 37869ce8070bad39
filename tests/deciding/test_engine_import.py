"""An engine built without Python 3.13's setting says how to rebuild it (issue 16)."""

from __future__ import annotations

import subprocess
import sys

from enforcement_rules.deciding.engine import REBUILD_313

BROKEN_BUILD = """
import importlib.abc, sys
class Broken(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "durable_rules_engine":
            raise ImportError(
                "durable_rules_engine.cpython-313-x86_64-linux-gnu.so: "
                "undefined symbol: PyEval_CallObject"
            )
        return None
sys.meta_path.insert(0, Broken())
try:
    import enforcement_rules
except ImportError as error:
    print(error)
"""


def test_an_engine_built_without_the_313_setting_names_the_rebuild_command() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_BUILD], capture_output=True, text=True, timeout=60, check=True
    )
    assert "removed in 3.13" in done.stdout and REBUILD_313 in done.stdout
    assert REBUILD_313.startswith("CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install")
