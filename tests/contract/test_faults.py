"""``scripts/faults.py`` (``nox -s faults``): its 13 faults still apply to the code as it is.

The runs themselves take minutes each and are not part of the suite; this holds the
script to the code it edits, so a change that moves a fault's old text fails here
instead of stopping ``nox -s faults``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _faults() -> ModuleType:
    spec = importlib.util.spec_from_file_location("faults", ROOT / "scripts" / "faults.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("faults", module)
    spec.loader.exec_module(module)
    return module


FAULTS = _faults()


def test_there_are_13_faults_with_distinct_names() -> None:
    names = [fault.name for fault in FAULTS.FAULTS]
    assert (len(names), len(set(names))) == (13, 13)


@pytest.mark.parametrize("fault", FAULTS.FAULTS, ids=lambda fault: fault.name)
def test_each_edit_applies_exactly_once(fault: Any) -> None:
    for edit in fault.edits:
        text = (ROOT / edit.path).read_text("utf-8")
        assert (text.count(edit.old), edit.old != edit.new) == (1, True)


def test_an_edit_that_no_longer_applies_stops_the_script(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one two two\n", "utf-8")
    fault = FAULTS.Fault("f", "a fault", (FAULTS.Edit("a.txt", "two", "three"),))
    with pytest.raises(FAULTS.FaultError) as raised:
        FAULTS.make(fault, tmp_path)
    assert str(raised.value) == "f: the old text occurs 2 times in a.txt"


def test_first_error_is_the_contract_runs_or_schemathesiss() -> None:
    contract = "x\ncontract: error: changed.yaml#2 (get --json): got {}\ncontract: error: later\n"
    schemathesis = (
        "- NDJSON: report\n___ GET /{account}/x ___\n\n- Missing authentication\n\n- Other\n"
    )
    assert [FAULTS.first_error(contract), FAULTS.first_error(schemathesis)] == [
        "changed.yaml#2 (get --json): got {}",
        "schemathesis: Missing authentication",
    ]
