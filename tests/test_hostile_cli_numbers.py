"""Numbers no Python number holds as sent: integers of thousands of digits and numbers
beyond the range of a float (``1e400``). Every one is read (never "not JSON"), and what the
command line writes as JSON is RFC 8259 JSON holding the number the server sent."""

from __future__ import annotations

import json
import pickle
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from mode_api_client.types import MAX_INT_DIGITS, WireNumber, decode_json, deviations_of
from mode_query_runs import ModeClient
from scripted import Scripted, ScriptedServer

QUERY_RUN = "6c3d9e2f1a7b"
LONG_TEXT = "9" * 5000  # past Python's int-to-str limit (4300 digits by default)
LONG = 10**5000 - 1  # its value


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
        "data_source_id": "7",
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
    run = got(body(data_source_id=LONG_TEXT, id=f"-{LONG_TEXT}"))
    assert run.data_source_id == LONG
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
    run = got(body(data_source_id="1e400", extra='{"low": -1.5E+400}'))
    kept = run.additional_properties["data_source_id"]
    assert type(kept) is WireNumber
    assert (kept, kept.wire_text) == (float("inf"), "1e400")
    low = run.additional_properties["extra"]["low"]
    assert (low, low.wire_text) == (float("-inf"), "-1.5E+400")
    assert [str(deviation) for deviation in deviations_of(run)] == [
        "$.data_source_id: the spec expects integer or string, found number"
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
    for text in ("nan", "Infinity", "1e400 ", "01", "1.", "+1", "\uff11"):
        with pytest.raises(ValueError, match="not a JSON number"):
            WireNumber(text)


def test_a_body_that_is_not_json_is_still_refused() -> None:
    for content in (b"[NaN]", b"[Infinity]", b"[-Infinity]", b"[1e400", b"[01]"):
        with pytest.raises(ValueError, match="the body is not JSON"):
            decode_json(content)
    assert json.dumps(decode_json(b"[1.5, -0, 10]")) == "[1.5, 0, 10]"
