"""Issue 23, item 5: a test that times out a command kills it and its children
(``conftest.no_process_outlives_its_test``)."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

pytest_plugins = ["pytester"]

INNER = """
import subprocess, sys, time
import pytest

@pytest.mark.timeout(2)
def test_a_command_whose_child_outlives_it(tmp_path_factory) -> None:
    code = (
        "import subprocess, sys, time;"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']);"
        "print(child.pid, flush=True); time.sleep(120)"
    )
    command = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    grandchild = command.stdout.readline().strip()
    (tmp_path_factory.getbasetemp().parent / "pids").write_text(f"{command.pid} {grandchild}")
    command.wait()
"""


def test_a_timed_out_test_leaves_no_process_behind(pytester: pytest.Pytester) -> None:
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    found = list(Path(pytester.path).parent.rglob("pids"))
    pids = [int(pid) for pid in found[0].read_text().split()]
    assert len(pids) == 2
    alive = [
        pid
        for pid in pids
        if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    ]
    assert alive == []
