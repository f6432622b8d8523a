"""Query Run results as pandas DataFrames, from both clients, against the mock's results."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas
import pytest
from test_results import (
    DIRECT,
    REDIRECTED,
    RESULTS,
    WIDE_ANSWER,
    WIDE_ROWS,
    scripted_client,
    scripted_run,
)

from mode_query_runs import (
    APIConnectionError,
    AsyncModeClient,
    ModeClient,
    ResponseParseError,
)
from mode_query_runs.dataframes import PANDAS_MISSING, ChunkStream
from mode_query_runs.testing.server import MockServer
from scripted import Scripted, ScriptedServer
from support import PAGED_RUN, REPORT

# The bundled recording's results: DIRECT from the API origin, REDIRECTED through a 302 to
# the storage origin (which refuses a request that carries Authorization).
DAU = {"day": ["2026-10-29", "2026-10-30", "2026-10-31"], "dau": [1211, 1204, 1187]}
REVENUE = {
    "month": ["2026-08", "2026-09", "2026-10"],
    "region": ["emea", "emea", "emea"],
    "sum": [182340.5, 190112.25, 201877.0],
}
NOTES = ['Includes "UK", Ireland', "Two lines:\nrevised on the 3rd"]


def records(frame: pandas.DataFrame) -> dict[str, list[object]]:
    """Columns as plain lists, the missing value as ``None``."""
    return {
        str(name): [None if pandas.isna(value) else value for value in frame[name].tolist()]
        for name in frame.columns
    }


def test_direct_result_as_dataframe_in_both_formats(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, DIRECT)
    from_csv = client.result_dataframe(run)
    from_json = client.result_dataframe(run, format="json")
    assert records(from_csv) == DAU
    assert records(from_json) == DAU
    assert str(from_csv["dau"].dtype) == "int64"
    assert str(from_json["dau"].dtype) == "int64"


def test_redirected_result_csv_uses_pandas_parsing(
    client: ModeClient, mock_server: MockServer
) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, REDIRECTED)
    frame = client.result_dataframe(run, format="csv")
    assert records(frame) == {**REVENUE, "note": [*NOTES, None]}  # an empty field is NaN
    assert str(frame["sum"].dtype) == "float64"
    content = f"{RESULTS}/{REDIRECTED}/results/content.csv"
    assert mock_server.requests[-2:] == [
        ("GET", content),
        ("GET", f"{mock_server.storage_url}{content}?signature=5f2d0c9ecsv"),
    ]


def test_redirected_result_json_keeps_json_types(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, REDIRECTED)
    frame = client.result_dataframe(run, format="json")
    assert records(frame) == {**REVENUE, "note": [*NOTES, ""]}  # "" stays a string
    assert list(frame.columns) == ["month", "region", "sum", "note"]


def test_json_values_keep_their_types_and_dates_stay_text() -> None:
    body = (
        b'[{"id": 1, "ok": true, "at": "2026-10-29T10:00:00Z", "x": 0.1, "n": null},'
        b' {"id": 2, "ok": false, "at": "2026-10-30T10:00:00Z", "x": 2.5, "n": null}]'
    )
    answer = Scripted(200, body, {"Content-Type": "application/json"})
    with ScriptedServer(answer) as server, scripted_client(server) as mode:
        frame = mode.result_dataframe(scripted_run(), format="json")
    assert records(frame) == {
        "id": [1, 2],
        "ok": [True, False],
        "at": ["2026-10-29T10:00:00Z", "2026-10-30T10:00:00Z"],
        "x": [0.1, 2.5],
        "n": [None, None],
    }
    assert [str(dtype) for dtype in frame.dtypes] == ["int64", "bool", "str", "float64", "object"]
    assert server.seen[0].headers["Accept"] == "application/json"


def test_the_redirect_to_storage_drops_authorization() -> None:
    with ScriptedServer(Scripted(200, b"a,b\n1,2\n"), host="127.0.0.2") as storage:
        location = f"{storage.url}/bucket/result.csv?signature=abc"
        found = Scripted(302, b"<html>redirected</html>", {"Location": location})
        with ScriptedServer(found) as api, scripted_client(api) as mode:
            frame = mode.result_dataframe(scripted_run())
    assert records(frame) == {"a": [1], "b": [2]}
    assert "Authorization" in api.seen[0].headers
    assert api.seen[0].headers["Accept"] == "text/csv"
    assert [s.path for s in storage.seen] == ["/bucket/result.csv?signature=abc"]
    assert "Authorization" not in storage.seen[0].headers


def test_wide_fields_and_newlines_in_quotes() -> None:
    with ScriptedServer(WIDE_ANSWER) as server, scripted_client(server) as mode:
        frame = mode.result_dataframe(scripted_run())
    assert frame["payload"].tolist() == [row["payload"] for row in WIDE_ROWS]
    assert records(frame)["note"] == ["plain", WIDE_ROWS[1]["note"], None]


def test_a_web_page_is_refused() -> None:
    page = Scripted(200, b"<html>login</html>", {"Content-Type": "text/html; charset=utf-8"})
    with ScriptedServer(page) as server, scripted_client(server) as mode:
        with pytest.raises(ResponseParseError) as caught:
            mode.result_dataframe(scripted_run())
    assert caught.value.message == (
        "expected result content, got a web page (text/html; charset=utf-8)"
    )


def test_a_body_that_is_not_json_rows_is_a_parse_error() -> None:
    answer = Scripted(200, b'{"rows": 3', {"Content-Type": "application/json"})
    with ScriptedServer(answer) as server, scripted_client(server) as mode:
        with pytest.raises(ResponseParseError) as caught:
            mode.result_dataframe(scripted_run(), format="json")
    assert caught.value.message.startswith("result JSON cannot be read as a DataFrame: ")
    assert caught.value.url == f"{server.url}{RESULTS}/q1/results/content.json"


def test_an_empty_csv_body_is_a_parse_error() -> None:
    with ScriptedServer(Scripted(200, b"", {"Content-Type": "text/csv"})) as server:
        with scripted_client(server) as mode, pytest.raises(ResponseParseError) as caught:
            mode.result_dataframe(scripted_run())
    assert caught.value.message == (
        "result CSV cannot be read as a DataFrame: No columns to parse from file"
    )


def test_a_connection_cut_mid_result_is_a_connection_error() -> None:
    body = b"a\n" + b"1\n" * (1024 * 1024)
    cut = Scripted(200, body, {"Content-Type": "text/csv"}, cut_after=512 * 1024)
    with ScriptedServer(cut) as server, scripted_client(server, max_retries=0) as mode:
        with pytest.raises(APIConnectionError, match=r"^connection failed: peer closed"):
            mode.result_dataframe(scripted_run())


def test_bad_format_and_runs_without_results_are_refused_before_any_request() -> None:
    with ScriptedServer() as server, scripted_client(server) as mode:
        with pytest.raises(ValueError, match=r"^format must be 'csv' or 'json', not 'xlsx'$"):
            mode.result_dataframe(scripted_run(), format="xlsx")
        with pytest.raises(ValueError) as caught:
            mode.result_dataframe(scripted_run("running"))
    assert str(caught.value) == (
        "Query Run f23owhgklkj is running: it has no results (wait for it to succeed)"
    )
    assert server.seen == []


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` raises ImportError
    with ScriptedServer() as server, scripted_client(server) as mode:
        with pytest.raises(ImportError) as caught:
            mode.result_dataframe(scripted_run())
    assert str(caught.value) == (
        "result_dataframe needs pandas, which is not installed:"
        ' pip install "mode-query-runs[pandas]"'
    )
    assert str(caught.value) == PANDAS_MISSING
    assert server.seen == []


def test_the_chunk_stream_keeps_one_chunk_and_reads_across_chunks() -> None:
    chunks = iter([b"ab", b"cde", b"f"])
    taken: list[int] = []

    def next_chunk() -> bytes:
        chunk = next(chunks, b"")
        taken.append(len(chunk))
        return chunk

    stream = ChunkStream(next_chunk)
    buffer = bytearray(4)
    assert stream.readinto(buffer) == 2  # never more than the chunk at hand
    assert bytes(buffer[:2]) == b"ab"
    assert taken == [2]
    assert io.BufferedReader(stream).read() == b"cdef"
    assert stream.readinto(buffer) == 0
    assert taken == [2, 3, 1, 0]


@pytest.mark.anyio
async def test_async_client_through_the_redirect(mock_server: MockServer) -> None:
    base = mock_server.base_url
    async with AsyncModeClient("acme", "demo-token", "demo-secret", base_url=base) as mode:
        run = await mode.get_query_run(REPORT, PAGED_RUN, REDIRECTED)
        from_csv = await mode.result_dataframe(run)
        from_json = await mode.result_dataframe(run, format="json")
        direct = await mode.result_dataframe(await mode.get_query_run(REPORT, PAGED_RUN, DIRECT))
    assert records(from_csv) == {**REVENUE, "note": [*NOTES, None]}
    assert records(from_json) == {**REVENUE, "note": [*NOTES, ""]}
    assert records(direct) == DAU


@pytest.mark.anyio
async def test_async_client_refusals_and_cut_connection(tmp_path: Path) -> None:
    page = Scripted(200, b"<html>login</html>", {"Content-Type": "text/html"})
    body = b"a\n" + b"1\n" * (1024 * 1024)
    cut = Scripted(200, body, {"Content-Type": "text/csv"}, cut_after=512 * 1024)
    with ScriptedServer(page, cut) as server:
        base = f"{server.url}/api"
        async with AsyncModeClient(
            "acme", "demo-token", "demo-secret", base_url=base, max_retries=0
        ) as mode:
            with pytest.raises(ResponseParseError, match=r"^HTTP 200 expected result content"):
                await mode.result_dataframe(scripted_run())
            with pytest.raises(APIConnectionError, match=r"^connection failed: peer closed"):
                await mode.result_dataframe(scripted_run())
            with pytest.raises(ValueError, match=r"^format must be 'csv' or 'json', not 'x'$"):
                await mode.result_dataframe(scripted_run(), format="x")
    assert len(server.seen) == 2
    assert list(tmp_path.iterdir()) == []
