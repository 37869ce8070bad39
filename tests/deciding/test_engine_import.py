"""An engine built without Python 3.13's setting says how to rebuild it (issue 16)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
import warnings

from durable import engine as durable_engine

import enforcement_rules as er
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


def test_deciding_raises_no_deprecation_warning_from_the_engine() -> None:
    """durable_rules calls `datetime.utcfromtimestamp` (deprecated in 3.12) for every action;
    the engine module gives it a clock without it, so no decision warns on 3.12 or 3.13."""
    decider = er.Decider(er.default_rules(), cache_size=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for overdue in (False, True):
            decider.decide(
                {"kind": "blocked_exits", "occurred_on": "2024-03-01", "overdue": overdue}
            )
    assert [str(w.message) for w in caught] == []


def test_the_engine_clock_is_durables_local_seconds_since_the_epoch() -> None:
    offset = dt.datetime.now().astimezone().utcoffset() or dt.timedelta()
    expected = time.time() + offset.total_seconds()  # local wall time, as durable counts it
    assert abs(durable_engine._unix_now() - expected) < 5
