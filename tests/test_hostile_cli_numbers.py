"""Numbers no Python number holds as sent: integers of thousands of digits and numbers
beyond the range of a float (``1e400``). Every one is read (never "not JSON"), and what the
command line writes as JSON is RFC 8259 JSON holding the number the server sent."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from mode_api_client.models import QueryRun
from mode_api_client.types import MAX_INT_DIGITS, WireNumber, decode_json, deviations_of
from mode_query_runs import ModeClient
from mode_query_runs.cli.display import json_text
from scripted import Scripted, ScriptedServer
from support import field_allowing, spec_types, spec_value

QUERY_RUN = "6c3d9e2f1a7b"
LONG_TEXT = "9" * 5000  # past Python's int-to-str limit (4300 digits by default)
LONG = 10**5000 - 1  # its value
# A field of a Query Run the spec types as an integer (or an integer or other types).
INTEGER_FIELD = field_allowing("integer")


def repeated(digit: int, count: int) -> int:
    """The integer written as ``digit`` ``count`` times (made without int-to-str)."""
    value: int = digit * (10**count - 1) // 9
    return value


def body(**fields: str) -> bytes:
    """A Query Run whose values are the given JSON texts (as sent, not re-encoded)."""
    values = {
        "id": "500",
        "token": f'"{QUERY_RUN}"',
        "state": '"failed"',
        "created_at": '"2026-11-01T09:30:12.407Z"',
        "data_source_id": json.dumps(spec_value("data_source_id", 7)),
        "_links": '{"self": {"href": "/api/acme/reports/r1/runs/u1/query_runs/6c3d9e2f1a7b"}}',
        **fields,
    }
    return ("{" + ", ".join(f'"{key}": {text}' for key, text in values.items()) + "}").encode()


@pytest.fixture
def no_drift_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def got(content: bytes) -> Any:
    with ScriptedServer(Scripted(200, content)) as server:
        with ModeClient("acme", "tok", "sec", base_url=f"{server.url}/api", max_retries=0) as mode:
            return mode.get_query_run("r1", "u1", QUERY_RUN)


@pytest.mark.usefixtures("no_drift_warnings")
def test_an_integer_of_5000_digits_is_read_exactly_where_the_spec_has_an_integer() -> None:
    run = got(body(**{INTEGER_FIELD: LONG_TEXT}, id=f"-{LONG_TEXT}"))
    assert getattr(run, QueryRun.attribute_names[INTEGER_FIELD]) == LONG
    assert run.id == -LONG
    assert deviations_of(run) == ()


@pytest.mark.usefixtures("no_drift_warnings")
def test_a_long_integer_of_the_wrong_type_goes_to_additional_properties() -> None:
    run = got(body(token=LONG_TEXT, extra=f"[{LONG_TEXT}]"))
    assert run.additional_properties["token"] == LONG
    assert run.additional_properties["extra"] == [LONG]
    assert [str(deviation) for deviation in deviations_of(run)] == [
        "$.token: the spec expects string, found integer"
    ]


@pytest.mark.usefixtures("no_drift_warnings")
def test_a_number_beyond_the_range_of_a_float_keeps_its_text() -> None:
    run = got(body(**{INTEGER_FIELD: "1e400"}, extra='{"low": -1.5E+400}'))
    kept = run.additional_properties[INTEGER_FIELD]
    assert type(kept) is WireNumber
    assert (kept, kept.wire_text) == (float("inf"), "1e400")
    low = run.additional_properties["extra"]["low"]
    assert (low, low.wire_text) == (float("-inf"), "-1.5E+400")
    assert [str(deviation) for deviation in deviations_of(run)] == [
        f"$.{INTEGER_FIELD}: the spec expects {spec_types(INTEGER_FIELD)}, found number"
    ]


def test_integers_past_the_lowest_int_to_str_limit_are_read_all_the_same() -> None:
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        assert decode_json(f"[{'1' * 641}, -{'2' * 4301}, 12]".encode()) == [
            repeated(1, 641),
            -repeated(2, 4301),
            12,
        ]
    finally:
        sys.set_int_max_str_digits(before)


def test_an_integer_beyond_max_int_digits_is_a_wire_number() -> None:
    text = "7" * (MAX_INT_DIGITS + 1)
    (longest, beyond) = decode_json(f"[{'7' * MAX_INT_DIGITS}, {text}]".encode())
    assert longest == repeated(7, MAX_INT_DIGITS)
    assert type(beyond) is WireNumber
    assert beyond.wire_text == text


def test_a_wire_number_is_only_made_of_a_json_number_and_pickles() -> None:
    number = WireNumber("-2.5e999")
    assert pickle.loads(pickle.dumps(number)).wire_text == "-2.5e999"
    assert repr(number) == "WireNumber('-2.5e999')"
    assert str(number) == f"{number}" == "-2.5e999"
    for text in ("nan", "Infinity", "1e400 ", "01", "1.", "+1", "\uff11"):
        with pytest.raises(ValueError, match="not a JSON number"):
            WireNumber(text)


def test_a_body_that_is_not_json_is_still_refused() -> None:
    for content in (b"[NaN]", b"[Infinity]", b"[-Infinity]", b"[1e400", b"[01]"):
        with pytest.raises(ValueError, match="the body is not JSON"):
            decode_json(content)
    assert json.dumps(decode_json(b"[1.5, -0, 10]")) == "[1.5, 0, 10]"


# --- what the command line writes ---------------------------------------------------------

SENT = {
    "data_source_id": LONG_TEXT,
    "runtime_ms": "1e400",
    "parameters": '{"low": -1.5E+400, "ids": [12, -' + LONG_TEXT + ", 0.25]}",
}
"""Number texts as sent: an integer of 5000 digits, numbers beyond the range of a float."""
RUN_BODY = body(state='"succeeded"', **SENT)


def as_sent(text: str) -> Any:
    """JSON text decoded with every number kept as its text (no conversion at all)."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_int=str, parse_float=str, parse_constant=refuse)


def page(*runs: bytes) -> bytes:
    links = b'{"self": {"href": "/api/acme/reports/r1/runs/u1/query_runs"}}'
    return b'{"_links": ' + links + b', "_embedded": {"query_runs": [' + b", ".join(runs) + b"]}}"


def mode_cli(server: ScriptedServer, *args: str, stdin: str = "") -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODE_")}
    env |= {"MODE_API_TOKEN": "tok", "MODE_API_SECRET": "sec", "MODE_ACCOUNT": "acme"}
    env["MODE_BASE_URL"] = f"{server.url}/api"
    return subprocess.run(
        [sys.executable, "-m", "mode_query_runs", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def drift_only(stderr: str) -> bool:
    return all(line.startswith("mode-query-runs: spec drift: ") for line in stderr.splitlines())


def test_get_json_writes_json_with_the_numbers_as_sent() -> None:
    with ScriptedServer(Scripted(200, RUN_BODY)) as server:
        result = mode_cli(server, "get", "r1", "u1", QUERY_RUN, "--json")
    assert result.returncode == 0, result.stderr
    assert drift_only(result.stderr), result.stderr
    assert "Infinity" not in result.stdout
    assert as_sent(result.stdout) == as_sent(RUN_BODY.decode())
    assert result.stdout.endswith("\n}\n")


def test_list_json_jsonl_and_list_many_write_the_numbers_as_sent() -> None:
    other = body(token='"aa11bb22cc33"', state='"succeeded"', data_source_id="1E+999")
    listing = page(RUN_BODY, other)
    expected = as_sent(listing.decode())["_embedded"]["query_runs"]
    with ScriptedServer(*[Scripted(200, listing)] * 4) as server:
        as_json = mode_cli(server, "list", "r1", "u1", "--json")
        as_jsonl = mode_cli(server, "list", "r1", "u1", "--jsonl")
        waited = mode_cli(server, "wait", "r1", "u1", "--json")
        many = mode_cli(server, "list-many", stdin="r1 u1\n")
    for result in (as_json, as_jsonl, waited, many):
        assert result.returncode == 0, result.stderr
        assert drift_only(result.stderr), result.stderr
        assert "Infinity" not in result.stdout
    assert as_sent(as_json.stdout) == expected
    assert as_sent(waited.stdout) == expected
    assert [as_sent(line) for line in as_jsonl.stdout.splitlines()] == expected
    assert as_sent(many.stdout) == {"report": "r1", "run": "u1", "query_runs": expected}
    assert len(many.stdout.splitlines()) == 1


def test_the_table_and_detail_view_show_the_numbers_as_sent() -> None:
    with ScriptedServer(Scripted(200, RUN_BODY), Scripted(200, page(RUN_BODY))) as server:
        shown = mode_cli(server, "get", "r1", "u1", QUERY_RUN)
        table = mode_cli(server, "list", "r1", "u1")
    assert shown.returncode == table.returncode == 0, (shown.stderr, table.stderr)
    lines = shown.stdout.splitlines()
    assert f"data_source_id  {LONG_TEXT}" in lines
    assert "runtime_ms      1e400" in lines
    assert f'parameters      {{"low": -1.5E+400, "ids": [12, -{LONG_TEXT}, 0.25]}}' in lines
    assert table.stdout.splitlines()[1].split()[:2] == [QUERY_RUN, "succeeded"]


def test_json_text_is_laid_out_as_json_dumps_and_never_writes_nan_or_infinity() -> None:
    value = {
        "a": [1, {"b": WireNumber("1e400")}, [], {}, "é\\n\u2028", None, True, 0.5],
        "c": {"d": [[-LONG]], "e": WireNumber("-1e400")},
        "f": [],
    }
    stand_in = {
        "a": [1, {"b": 1e300}, [], {}, "é\\n\u2028", None, True, 0.5],
        "c": {"d": [[-7]], "e": -1e300},
        "f": [],
    }
    for indent, ensure_ascii in [(None, True), (2, False), (0, True), (4, False)]:
        laid_out = json.dumps(stand_in, indent=indent, ensure_ascii=ensure_ascii)
        expected = laid_out.replace("1e+300", "1e400").replace("-7", f"-{LONG_TEXT}")
        assert json_text(value, indent=indent, ensure_ascii=ensure_ascii) == expected
    for bad in (float("nan"), float("inf"), [1, {"x": float("-inf")}], [1, {"x": float("nan")}]):
        with pytest.raises(ValueError, match="is not JSON"):
            json_text(bad)
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep, WireNumber("1e400")]
    assert json_text(deep).startswith("[" * 5000 + "[], 1e400], 1e400]")


def test_the_error_column_and_the_wait_line_show_an_error_code_as_sent() -> None:
    failed = body(error_code="-1e400", error_message='"boom"')
    with ScriptedServer(Scripted(200, page(failed)), Scripted(200, failed)) as server:
        table = mode_cli(server, "list", "r1", "u1")
        waited = mode_cli(server, "get", "--wait", "r1", "u1", QUERY_RUN)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[1].split()[-3:] == ["-", "-1e400:", "boom"]
    assert waited.returncode == 1
    assert waited.stderr.splitlines()[-1] == (
        f"mode-query-runs: error: Query Run {QUERY_RUN} ended failed: -1e400: boom"
    )
