"""Schemathesis against the recorded mock server, or against any server given with ``--url``.

``python tests/contract/run_schemathesis.py`` starts the recorded mock server
(:class:`mode_query_runs.testing.server.MockServer`) on a free loopback port, runs the pinned
schemathesis (``st run``) from ``openapi/mode.yaml`` against it with the demo credentials and
every check on (``--checks all``: status code, content type, response headers and schema
conformance, ``ignored_auth``, ...), and stops it. Every phase runs: examples (the spec's
named tokens), coverage, fuzzing and stateful (the spec's ``links`` from the collection to
each Query Run it lists).

``... --url URL`` runs the same checks against ``URL`` (for instance
``https://app.mode.com/api``) with the credentials in ``MODE_API_TOKEN`` / ``MODE_API_SECRET``.
Only GET requests are sent then (the coverage phase's unexpected-method probes are off),
429 answers are waited out (``--rate-limit auto``), and ``MODE_ACCOUNT``, ``MODE_REPORT``,
``MODE_RUN`` and ``MODE_QUERY_RUN``, when set, fix those path parameters (so the cases
reach your own Query Runs rather than the demo tokens of the spec's examples). Other
arguments go to ``st run`` (``-n 20``, ``--seed N``, ``--phases examples,stateful``).

Afterwards it prints, per operation, how many test cases were sent and how many got each
status, and exits non-zero when schemathesis failed or an operation never got a 200.
Against the mock it first regenerates the client from the spec (the pinned
openapi-python-client, as ``nox -s generate``) and fails when ``generated/`` differs: the
SDK the replay holds to the recordings is then the spec's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from mode_query_runs.testing.server import MockServer

try:  # imported by the tests (tests/ on sys.path)
    from contract.replay_recordings import reach, replay
except ModuleNotFoundError:  # run as a script: tests/contract is sys.path[0]
    from replay_recordings import reach, replay  # type: ignore[no-redef,import-not-found]

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "mode.yaml"
GENERATED = ROOT / "generated" / "mode_api_client"
AUTH_CONFIG = """\
[auth.basic]
username = "${MODE_API_TOKEN}"
password = "${MODE_API_SECRET}"
"""
READ_ONLY_CONFIG = """
[phases.coverage]
unexpected-methods = []
"""
# With --url, path parameters named by these variables are fixed to their values, so the
# cases reach resources of your own account.
PINNED_PARAMETERS = {
    "account": "MODE_ACCOUNT",
    "report": "MODE_REPORT",
    "run": "MODE_RUN",
    "query_run": "MODE_QUERY_RUN",
}
SEED = 20261201
"""The seed of the default contract run, so two runs send the same cases."""
# Numbers every operation gets, in this order; anything else is counted as "other".
STATUSES = (200, 401, 404, 405)


def count_cases(ndjson_lines: Iterable[str]) -> dict[str, Counter[int | None]]:
    """Cases sent per operation (``"GET /path"``), by response status, from an NDJSON report.

    Every ``ScenarioFinished`` event of schemathesis's NDJSON report (``--report ndjson``)
    records its test cases (method and path template) and the interactions they had; a
    case is counted once per interaction under the operation whose path it tested (probes
    with other methods included), by the status it got (``None`` when no response came).
    """
    counts: dict[str, Counter[int | None]] = {}
    for line in ndjson_lines:
        event = json.loads(line).get("ScenarioFinished")
        if event is None:
            continue
        recorder = event["recorder"]
        for case_id, interaction in recorder.get("interactions", {}).items():
            case = recorder["cases"][case_id]["value"]
            label = f"GET {case['path']}"
            response = interaction.get("response")
            status = response["status_code"] if response else None
            counts.setdefault(label, Counter())[status] += 1
    return counts


def summary(counts: dict[str, Counter[int | None]]) -> list[str]:
    """The per-operation table: cases, then one column per status in ``STATUSES``, then other."""
    header = ["operation", "cases", *(str(status) for status in STATUSES), "other"]
    rows = [header]
    for label in sorted(counts):
        by_status = counts[label]
        known = [by_status[status] for status in STATUSES]
        total = sum(by_status.values())
        rows.append([label, str(total), *(str(n) for n in known), str(total - sum(known))])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]


def operations_without_200(counts: dict[str, Counter[int | None]]) -> list[str]:
    """The operations of the spec that never got a 200 (or were not tested at all)."""
    spec_operations = [f"GET {path}" for path in _spec_paths()]
    return [label for label in spec_operations if counts.get(label, Counter())[200] == 0]


def _spec_paths() -> list[str]:
    from mode_query_runs.spec import operations

    return [operation.path for operation in operations() if operation.method == "GET"]


@contextlib.contextmanager
def _target(url: str | None) -> Iterator[tuple[str, dict[str, str], MockServer | None]]:
    """The base URL to test, the environment carrying its credentials and the mock server
    (``None`` with ``url``)."""
    if url is not None:
        missing = [n for n in ("MODE_API_TOKEN", "MODE_API_SECRET") if not os.environ.get(n)]
        if missing:
            raise SystemExit(f"contract: error: environment variable(s) not set: {missing}")
        yield url, dict(os.environ), None
        return
    with MockServer() as server:
        env = {**os.environ, "MODE_API_TOKEN": server.token, "MODE_API_SECRET": server.secret}
        yield server.base_url, env, server


def config_text(url: str | None, environ: dict[str, str]) -> str:
    """The schemathesis configuration (TOML): credentials from the environment; with
    ``url``, no requests other than GET and the path parameters the environment pins."""
    text = AUTH_CONFIG
    if url is None:
        return text
    text += READ_ONLY_CONFIG
    pinned = [(name, env) for name, env in PINNED_PARAMETERS.items() if environ.get(env)]
    if pinned:
        text += "\n[parameters]\n" + "".join(f'"path.{n}" = "${{{e}}}"\n' for n, e in pinned)
    return text


def generated_differences() -> list[str]:
    """How ``generated/`` differs from what the spec and templates give (``[]``: not at all).

    Regenerates (:func:`generate_into`) into a temporary directory and compares; a
    generator that fails is one difference, with its output.
    """
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "mode_api_client"
        failure = generate_into(ROOT, fresh)
        return [failure] if failure else tree_differences(fresh, GENERATED)


def generate_into(root: Path, target: Path) -> str | None:
    """Generate the client of ``root``'s spec and templates into ``target``: ``None``, or
    why the generator failed (its output).

    Runs the pinned ``openapi-python-client`` of this environment (with its ruff
    post-hooks, found beside this Python) with the arguments ``nox -s generate`` gives it.
    """
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])}
    generator = [
        *(str(bin_dir / "openapi-python-client"), "generate"),
        *("--path", str(root / "openapi" / "mode.yaml")),
        *("--config", str(root / "generator-config.yml")),
        *("--custom-template-path", str(root / "templates"), "--meta", "none"),
        *("--output-path", str(target), "--overwrite", "--fail-on-warning"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            generator, env=env, cwd=tmp, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        return f"the generator failed: {(done.stdout + done.stderr).strip()[-2000:]}"
    return None


def tree_differences(fresh: Path, kept: Path) -> list[str]:
    """Each file (``__pycache__`` aside) that is only in one of the trees or differs."""

    def files(top: Path) -> dict[str, bytes]:
        return {
            path.relative_to(top).as_posix(): path.read_bytes()
            for path in top.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }

    given, kept_files = files(fresh), files(kept)
    found = []
    for name in sorted(given.keys() | kept_files.keys()):
        if name not in kept_files:
            found.append(f"missing: generated/mode_api_client/{name}")
        elif name not in given:
            found.append(f"not generated: generated/mode_api_client/{name}")
        elif given[name] != kept_files[name]:
            found.append(f"differs: generated/mode_api_client/{name}")
    return found


def run(url: str | None, extra: list[str], *, explore: bool = False) -> int:
    """Run schemathesis, print the per-operation table; the exit status (0: passed).

    Against the mock server, the run is reproducible (seed :data:`SEED`, unless ``extra``
    or ``explore`` says otherwise), and then the SDK and the CLI replay every recording
    (:mod:`replay_recordings`); the run fails unless every recorded interaction was reached.
    """
    if url is None and not explore and "--seed" not in extra:
        extra = ["--seed", str(SEED), *extra]
    stale = generated_differences() if url is None else []
    for difference in stale:
        print(f"contract: error: generated/ is not the spec's: {difference}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp, _target(url) as (base_url, env, server):
        config = Path(tmp) / "schemathesis.toml"
        config.write_text(config_text(url, env), "utf-8")
        report = Path(tmp) / "events.ndjson"
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            str(SPEC),
            "--url",
            base_url,
            "--checks",
            "all",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
            "--generation-database",
            "none",
            "--no-color",
            *(["--rate-limit", "auto"] if url else []),
            *extra,
        ]
        # In the temporary directory, so schemathesis's crash cache is not left behind.
        status = subprocess.run(command, env=env, cwd=tmp, check=False).returncode
        counts = count_cases(report.read_text("utf-8").splitlines()) if report.exists() else {}
        replayed = _replay(server)
    print("\nTest cases per operation, by response status:")
    for line in summary(counts):
        print("  " + line)
    unreached = operations_without_200(counts)
    for label in unreached:
        print(f"contract: error: no test case of {label} got a 200 response", file=sys.stderr)
    return status or replayed or (1 if unreached or stale else 0)


def _replay(server: MockServer | None) -> int:
    """Replay every recording through the SDK and the CLI; print the reach; the status."""
    if server is None:
        return 0
    by_schemathesis, recorded = reach(server, lambda: list(server.requests))
    problems = replay(server)
    reached, _ = reach(server, lambda: list(server.requests))
    print(
        f"\nReached {reached} of {recorded} recorded interactions"
        f" ({by_schemathesis} by schemathesis, the rest by the SDK and CLI replay)."
    )
    for problem in problems:
        print(f"contract: error: {problem}", file=sys.stderr)
    if reached < recorded:
        print(
            f"contract: error: {recorded - reached} recorded interactions were never requested",
            file=sys.stderr,
        )
    return 1 if problems or reached < recorded else 0


def main(argv: list[str] | None = None) -> int:
    """``[--url URL] [st run options...]``; the exit status."""
    parser = argparse.ArgumentParser(description="schemathesis contract tests", add_help=True)
    parser.add_argument("--url", help="test this API base URL instead of the recorded mock server")
    parser.add_argument(
        "--explore", action="store_true", help="a randomised run (no fixed seed), to explore"
    )
    args, extra = parser.parse_known_args(argv)
    return run(args.url, [arg for arg in extra if arg != "--"], explore=args.explore)


if __name__ == "__main__":
    sys.exit(main())
