"""The 13 faults of issue 23, each made in a scratch copy, against the contract run alone.

``python scripts/faults.py`` (``nox -s faults``) copies the repository's files (tracked
and untracked, not ignored: the work as it is, uncommitted changes included) into a
temporary directory once per fault, makes the fault there by exact text edits (each old
text must occur exactly once, or the script stops: a fault that no longer applies is
rewritten, not skipped), regenerates ``generated/`` where the fault is a change of the
spec or the templates (as ``nox -s generate``), and runs the contract session's checks
there: ``tests/contract/run_schemathesis.py`` as ``nox -s contract`` runs it (fixed seed,
the SDK and CLI replay of every recording), with the copy's ``overlay/`` and
``generated/`` first on ``PYTHONPATH``. A fault is caught when that run fails.

First the unchanged copy must pass (else every fault would look caught). Then one fault
at a time (the machine has 2 cores), a table of caught / missed with the run's first
error, and ``N of 13 caught``. The exit status is 1 below 12 of 13, 2 when the unchanged
copy fails or an edit does not apply. ``scripts/faults.py NAME ...`` runs only those
faults (the baseline still runs first); ``--keep`` leaves each copy and its log behind.
The working tree is never written to.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from contract.run_schemathesis import generate_into  # noqa: E402

TIMEOUT = 1800
"""Seconds one contract run may take; past them it is killed and the script stops (a run
that hangs proves nothing either way)."""
REQUIRED = 12
"""Faults the contract run must catch (issue 23: at least 12 of the 13)."""

PAGED = "overlay/mode_query_runs/testing/cassettes/report_run_8f3e2d1c0b9a.yaml"
SINGLE = "overlay/mode_query_runs/testing/cassettes/report_run_5c4b3a291807.yaml"
RESULTS = "overlay/mode_query_runs/testing/cassettes/results.yaml"
SERVER = "overlay/mode_query_runs/testing/server.py"
CLIENT = "overlay/mode_query_runs/client.py"
SPEC = "openapi/mode.yaml"
STORAGE = (
    "https://mode-results.storage.example/api/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a"
    "/query_runs/3f4e5d6c7b8a/results/content.csv"
)


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (which must occur exactly once in ``path``) with ``new``."""

    path: str
    old: str
    new: str


@dataclass(frozen=True)
class Fault:
    """One fault of issue 23's table: its name, what it is, its edits, and whether
    ``generated/`` is regenerated after them (a spec or template change)."""

    name: str
    description: str
    edits: tuple[Edit, ...]
    regenerate: bool = False


FAULTS = (
    Fault(
        "page2-lacks-state",
        "a recorded run on listing page 2 lacks its required `state`",
        (
            Edit(
                PAGED,
                '                "token": "7d8e9f0a1b2c",\n                "state": "running",\n',
                '                "token": "7d8e9f0a1b2c",\n',
            ),
        ),
    ),
    Fault(
        "mock-drops-next-page",
        "the mock drops `next_page` on page 2",
        (
            Edit(
                SERVER,
                "        return Response"
                '(recorded.body.encode("utf-8"), status_code=recorded.status, headers=headers)\n',
                "        body = recorded.body\n"
                '        if target.endswith("?page=2"):\n'
                "            page = json.loads(body)\n"
                '            del page["_links"]["next_page"]\n'
                "            body = json.dumps(page)\n"
                '        return Response(body.encode("utf-8"), status_code=recorded.status,'
                " headers=headers)\n",
            ),
        ),
    ),
    Fault(
        "spec-list-loses-embedded",
        "the spec's list response loses `_embedded` (regenerated)",
        (
            Edit(
                SPEC,
                "        pagination:\n"
                '          $ref: "#/components/schemas/Pagination"\n'
                "        _embedded:\n"
                "          anyOf:\n"
                '            - $ref: "#/components/schemas/QueryRunCollectionEmbedded"\n'
                '            - type: "null"\n',
                '        pagination:\n          $ref: "#/components/schemas/Pagination"\n',
            ),
        ),
        regenerate=True,
    ),
    Fault(
        "sync-listing-skips-last-page",
        "the sync listing skips the last page",
        (
            Edit(
                CLIENT,
                "        call, walk = self._list_call(report, run), self._walk(max_pages)\n"
                "        return self._iterate(self._pages(call, walk, flat=True), _DIRECT)\n",
                "        call, walk = self._list_call(report, run), self._walk(max_pages or 2)\n"
                "        return self._iterate(self._pages(call, walk, flat=True), _DIRECT)\n",
            ),
        ),
    ),
    Fault(
        "get-swaps-report-and-run",
        "`get_query_run` swaps the report and run in its path",
        (
            Edit(
                CLIENT,
                "return self._run(self._get(self._get_call(report, run, query_run)))",
                "return self._run(self._get(self._get_call(run, report, query_run)))",
            ),
        ),
    ),
    Fault(
        "reader-drops-unknown-fields",
        "the tolerant reader drops unknown fields (templates, regenerated)",
        (
            Edit(
                "templates/model.py.jinja",
                "        if _d:\n            scan(_d, _found)\n"
                "        _model.additional_properties = _d\n",
                "        if _d:\n            scan(_d, _found)\n"
                "        _model.additional_properties = {}\n",
            ),
        ),
        regenerate=True,
    ),
    Fault(
        "json-drops-nulls",
        "`--json` drops nulls",
        (
            Edit(
                "overlay/mode_query_runs/cli/display.py",
                "        return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii,"
                " allow_nan=False)\n",
                "        value = json.loads(json.dumps(value), object_hook=lambda o:"
                " {k: v for k, v in o.items() if v is not None})\n"
                "        return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii,"
                " allow_nan=False)\n",
            ),
        ),
    ),
    Fault(
        "generated-edited-by-hand",
        "`generated/` edited by hand (a docstring: no behaviour changes)",
        (
            Edit(
                "generated/mode_api_client/__init__.py",
                '"""A client library for accessing Mode Query Runs API"""',
                '"""A client library for accessing Mode Query Runs API (patched by hand)"""',
            ),
        ),
    ),
    Fault(
        "cassette-wrong-type",
        "a cassette value of the wrong type (`query_token` a number in a recorded get)",
        (
            Edit(
                SINGLE,
                '          "max_result_bytes": 104857600,\n'
                '          "query_token": "c9d1e3f5a7b9",\n',
                '          "max_result_bytes": 104857600,\n          "query_token": 91357,\n',
            ),
        ),
    ),
    Fault(
        "mock-200-for-unknown-tokens",
        "the mock answering 200 for unknown tokens",
        (
            Edit(
                SERVER,
                '            return _error(404, "not_found", "Not found")\n',
                '            return _error(200, "not_found", "Not found")\n',
            ),
        ),
    ),
    Fault(
        "mock-ignores-auth",
        "the mock ignoring auth",
        (
            Edit(
                SERVER,
                "        elif not _authorized(request, token, secret):\n",
                "        elif False and not _authorized(request, token, secret):\n",
            ),
        ),
    ),
    Fault(
        "spec-token-integer",
        "the spec typing `token` as integer (regenerated)",
        (
            Edit(
                SPEC,
                "        token:\n          type: string\n"
                "          description: The Query Run token.\n",
                "        token:\n          type: integer\n"
                "          description: The Query Run token.\n",
            ),
        ),
        regenerate=True,
    ),
    Fault(
        "redirect-loses-signature",
        "the recorded storage redirect loses its signature (the 13th: the table names 12)",
        (
            Edit(
                RESULTS,
                f"      Location:\n      - {STORAGE}?signature=5f2d0c9ecsv\n",
                f"      Location:\n      - {STORAGE}\n",
            ),
        ),
    ),
)


class FaultError(Exception):
    """A fault cannot be made (its old text is not there exactly once), or a run hung."""


def scratch_copy(destination: Path) -> None:
    """Copy the repository's files (tracked and untracked, not ignored) to ``destination``;
    symbolic links are copied as links (``overlay/mode_query_runs/mode.yaml``)."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = ROOT / name
        if not source.is_symlink() and not source.exists():  # deleted, not yet committed
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)


def make(fault: Fault, copy: Path) -> None:
    """Make ``fault`` in ``copy``: its edits, then the regeneration it needs.

    Raises:
        FaultError: an old text does not occur exactly once, or regeneration failed.
    """
    for edit in fault.edits:
        path = copy / edit.path
        text = path.read_text("utf-8")
        found = text.count(edit.old)
        if found != 1:
            raise FaultError(f"{fault.name}: the old text occurs {found} times in {edit.path}")
        path.write_text(text.replace(edit.old, edit.new), "utf-8")
    if fault.regenerate:
        target = copy / "generated" / "mode_api_client"
        shutil.rmtree(target)
        failure = generate_into(copy, target)
        if failure:
            raise FaultError(f"{fault.name}: {failure}")


def contract_run(copy: Path, log: Path) -> tuple[bool, str]:
    """Run the contract checks in ``copy``; whether they failed, and their first error.

    Raises:
        FaultError: the run took longer than ``TIMEOUT`` seconds (its processes killed).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    paths = [str(copy / "overlay"), str(copy / "generated")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(copy / "tests" / "contract" / "run_schemathesis.py")],
            cwd=copy,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            status = process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise FaultError(f"the contract run in {copy} took over {TIMEOUT} s") from None
    return status != 0, first_error(log.read_text("utf-8", "replace"))


def first_error(output: str) -> str:
    """The run's first ``contract: error`` line, else the first failure schemathesis names
    (the first ``- `` line after its first ``___ GET /path ___`` heading)."""
    lines = output.splitlines()
    for line in lines:
        if line.startswith("contract: error: "):
            return line.removeprefix("contract: error: ")[:160]
    headings = [index for index, line in enumerate(lines) if line.startswith("___")]
    for line in lines[headings[0] :] if headings else []:
        if line.startswith("- "):
            return f"schemathesis: {line.removeprefix('- ')}"[:160]
    return ""


def check(fault: Fault | None, keep: bool) -> tuple[bool, str]:
    """Make ``fault`` (``None``: none) in a fresh copy and run the contract checks there."""
    copy = Path(tempfile.mkdtemp(prefix=f"faults-{fault.name if fault else 'baseline'}-"))
    try:
        scratch_copy(copy)
        if fault is not None:
            make(fault, copy)
        return contract_run(copy, copy / "contract.log")
    finally:
        if keep:
            print(f"  kept {copy} (log: {copy / 'contract.log'})", flush=True)
        else:
            shutil.rmtree(copy, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``[NAME ...] [--keep]``; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these faults (default: all 13)")
    parser.add_argument("--keep", action="store_true", help="keep each copy and its log")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - {fault.name for fault in FAULTS})
    if unknown:
        parser.error(f"no such fault: {', '.join(unknown)}")
    chosen = [fault for fault in FAULTS if not args.names or fault.name in args.names]
    try:
        started = time.monotonic()
        failed, error = check(None, args.keep)
        print(f"baseline (no fault): {'FAILS' if failed else 'passes'}", flush=True)
        if failed:
            print(f"faults: error: the unchanged copy fails the contract run: {error}")
            return 2
        results = []
        for fault in chosen:
            caught, error = check(fault, args.keep)
            results.append((fault, caught, error))
            print(f"{'caught' if caught else 'MISSED'}  {fault.name}: {error}", flush=True)
    except FaultError as stopped:
        print(f"faults: error: {stopped}", file=sys.stderr)
        return 2
    print("\n| fault | `nox -s contract` | first error |\n|---|---|---|")
    for fault, caught, error in results:
        cell = error.replace("|", "\\|")
        print(f"| {fault.description} | {'caught' if caught else 'missed'} | {cell} |")
    caught_count = sum(caught for _, caught, _ in results)
    print(f"\n{caught_count} of {len(results)} caught ({time.monotonic() - started:.0f} s)")
    if len(results) == len(FAULTS) and caught_count < REQUIRED:
        print(f"faults: error: the contract run must catch at least {REQUIRED} of {len(FAULTS)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
