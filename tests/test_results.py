"""Result content: streamed downloads, redirects to a storage origin, CSV rows, the CLI."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_cli import assert_one_line_error, run_cli

from mode_api_client.models import QueryRun
from mode_query_runs import (
    APIConnectionError,
    AsyncModeClient,
    ModeAPIError,
    ModeClient,
    NotFoundError,
    ResponseParseError,
    RetryPolicy,
)
from mode_query_runs.cli.progress import terminal_progress
from mode_query_runs.results import CHUNK_BYTES, CsvRows
from mode_query_runs.testing.cassette import bundled_directory, load_directory
from mode_query_runs.testing.server import MockServer
from scripted import Scripted, ScriptedServer
from support import PAGED_RUN, REPORT, SEED_PAGE, SINGLE_RUN

DIRECT = "1a2b3c4d5e6f"  # served by the API origin
REDIRECTED = "3f4e5d6c7b8a"  # served through a 302 to the storage origin
RESULTS = f"/api/acme/reports/{REPORT}/runs/{PAGED_RUN}/query_runs"
REVENUE_ROWS = [
    {"month": "2026-08", "region": "emea", "sum": "182340.5", "note": 'Includes "UK", Ireland'},
    {
        "month": "2026-09",
        "region": "emea",
        "sum": "190112.25",
        "note": "Two lines:\nrevised on the 3rd",
    },
    {"month": "2026-10", "region": "emea", "sum": "201877.0", "note": ""},
]


def recorded_body(token: str, form: str) -> bytes:
    """The recorded content the mock server serves (after any redirect)."""
    for interaction in load_directory(bundled_directory()):
        if interaction.status == 200 and interaction.key[1].startswith(
            f"{RESULTS}/{token}/results/content.{form}"
        ):
            return interaction.body.encode()
    raise AssertionError(f"no recorded {form} result for {token}")


def scripted_run(state: str = "succeeded") -> QueryRun:
    body: dict[str, Any] = json.loads(SEED_PAGE.read_text())
    body["state"] = state
    body["_links"]["result"]["href"] = f"{RESULTS}/q1/results"
    return QueryRun.from_dict(body)


def scripted_client(server: ScriptedServer, **options: Any) -> ModeClient:
    return ModeClient("acme", "demo-token", "demo-secret", base_url=f"{server.url}/api", **options)


def quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


# A JSON column wider than csv's default field limit (131,072 characters), quoted with its
# quotes doubled; a text with newlines (CRLF and LF) and a comma; a wide unquoted field.
WIDE_JSON = json.dumps([{"id": n, "name": f"élément {n}"} for n in range(6000)])
MULTILINE = "first line\r\nsecond line\nthird, with a comma"
WIDE_PLAIN = "y" * 140_000
WIDE_CSV = "".join(
    f"{line}\r\n"
    for line in [
        "id,payload,note",
        f"1,{quoted(WIDE_JSON)},plain",
        f"2,[],{quoted(MULTILINE)}",
        f"3,{WIDE_PLAIN},",
    ]
)
WIDE_ROWS = [
    {"id": "1", "payload": WIDE_JSON, "note": "plain"},
    {"id": "2", "payload": "[]", "note": MULTILINE},
    {"id": "3", "payload": WIDE_PLAIN, "note": ""},
]
WIDE_ANSWER = Scripted(200, WIDE_CSV.encode(), {"Content-Type": "text/csv; charset=utf-8"})


def csv_limit_in_another_thread() -> tuple[int, str]:
    """``csv.field_size_limit()`` as another thread sees it, and the error its ``csv.reader``
    gives for a field one character over it."""

    def probe() -> tuple[int, str]:
        limit = csv.field_size_limit()
        try:
            next(csv.reader(["x" * (limit + 1)]))
        except csv.Error as exc:
            return limit, str(exc)
        return limit, "no error"

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(probe).result()


@pytest.mark.parametrize("token", [DIRECT, REDIRECTED])
@pytest.mark.parametrize("form", ["csv", "json"])
def test_download_writes_the_recorded_content(
    client: ModeClient, mock_server: MockServer, tmp_path: Path, token: str, form: str
) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, token)
    calls: list[tuple[int, int | None]] = []
    target = tmp_path / f"result.{form}"
    written = client.download_result(run, target, format=form, progress=lambda *a: calls.append(a))
    expected = recorded_body(token, form)
    assert target.read_bytes() == expected
    assert written == len(expected)
    assert calls == [(0, len(expected)), (len(expected), len(expected))]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"result.{form}"]
    content = f"{RESULTS}/{token}/results/content.{form}"
    if token == REDIRECTED:
        assert mock_server.requests[-2:] == [
            ("GET", content),
            ("GET", f"{mock_server.storage_url}{content}?signature=5f2d0c9e{form}"),
        ]
    else:
        assert mock_server.requests[-1] == ("GET", content)


def test_redirect_to_another_origin_drops_authorization(tmp_path: Path) -> None:
    with ScriptedServer(Scripted(200, b"a,b\n1,2\n"), host="127.0.0.2") as storage:
        location = f"{storage.url}/bucket/result.csv?signature=abc"
        found = Scripted(302, b"<html>redirected</html>", {"Location": location})
        with ScriptedServer(found) as api, scripted_client(api) as mode:
            assert mode.download_result(scripted_run(), tmp_path / "r.csv") == 8
    assert "Authorization" in api.seen[0].headers
    assert api.seen[0].headers["Accept"] == "text/csv"
    assert [s.path for s in storage.seen] == ["/bucket/result.csv?signature=abc"]
    assert "Authorization" not in storage.seen[0].headers
    assert (tmp_path / "r.csv").read_text() == "a,b\n1,2\n"


def test_storage_origin_rejects_authorization(mock_server: MockServer) -> None:
    content = f"{RESULTS}/{REDIRECTED}/results/content.csv?signature=5f2d0c9ecsv"
    with httpx.Client() as http:
        assert http.get(mock_server.storage_url + content).status_code == 200
        refused = http.get(mock_server.storage_url + content, auth=("demo-token", "demo-secret"))
    assert refused.status_code == 400
    assert "<Code>InvalidArgument</Code>" in refused.text


def test_download_streams_in_chunks_and_the_file_appears_only_when_complete(
    tmp_path: Path,
) -> None:
    body = b"x" * (3 * 1024 * 1024 + 5)
    target = tmp_path / "big.csv"
    seen: list[tuple[int, bool, list[str]]] = []

    def progress(done: int, total: int | None) -> None:
        assert total == len(body)
        seen.append((done, target.exists(), sorted(p.name for p in tmp_path.iterdir())))

    with ScriptedServer(Scripted(200, body, {"Content-Type": "text/csv"})) as server:
        with scripted_client(server) as mode:
            assert mode.download_result(scripted_run(), target, progress=progress) == len(body)
    steps = [b - a for (a, _, _), (b, _, _) in itertools.pairwise(seen)]
    assert steps == [CHUNK_BYTES] * 48 + [5]
    assert not any(exists for _, exists, _ in seen)
    assert all(len(names) == 1 and names[0].startswith(".big.csv.") for _, _, names in seen)
    assert target.read_bytes() == body
    assert [p.name for p in tmp_path.iterdir()] == ["big.csv"]


def test_a_failed_download_leaves_no_file_and_keeps_an_old_one(tmp_path: Path) -> None:
    body = b"y" * (2 * 1024 * 1024)
    target = tmp_path / "result.csv"
    target.write_text("previous result\n")
    cut = Scripted(200, body, {"Content-Type": "text/csv"}, cut_after=1024 * 1024)
    with ScriptedServer(cut) as server, scripted_client(server, max_retries=0) as mode:
        with pytest.raises(APIConnectionError, match=r"^connection failed: peer closed"):
            mode.download_result(scripted_run(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]
    assert target.read_text() == "previous result\n"


def test_download_retries_a_503_before_the_content(tmp_path: Path) -> None:
    fast = RetryPolicy(backoff_initial=0.01, jitter=0)
    script = [Scripted(503, b"busy", {"Content-Type": "text/plain"}), Scripted(200, b"a\n1\n")]
    with ScriptedServer(*script) as server, scripted_client(server, retry_policy=fast) as mode:
        assert mode.download_result(scripted_run(), tmp_path / "r.csv") == 4
    assert len(server.seen) == 2


def test_endless_redirects_end_with_a_clear_error(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        loop = Scripted(302, b"", {"Location": f"{server.url}/again?signature=s"})
        server.script.extend([loop] * 21)
        with scripted_client(server) as mode:
            with pytest.raises(ModeAPIError) as caught:
                mode.download_result(scripted_run(), tmp_path / "r.csv")
    assert caught.value.message == "Exceeded maximum allowed redirects."
    assert caught.value.url == f"{server.url}/again?signature=s"  # own origin: shown whole
    assert len(server.seen) == 21
    assert list(tmp_path.iterdir()) == []


def test_missing_content_is_not_found_and_leaves_nothing(tmp_path: Path) -> None:
    missing = Scripted(404, b'{"id": "not_found", "message": "Query Run not found"}')
    with ScriptedServer(missing) as server, scripted_client(server) as mode:
        with pytest.raises(NotFoundError, match=r"^HTTP 404 \[not_found\] Query Run not found"):
            mode.download_result(scripted_run(), tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []


def test_runs_without_results_are_refused_before_any_request(client: ModeClient) -> None:
    failed = client.get_query_run(REPORT, PAGED_RUN, "6c3d9e2f1a7b")
    with pytest.raises(ValueError, match=r"^Query Run 6c3d9e2f1a7b is failed: it ended without"):
        client.download_result(failed, "unused.csv")
    with pytest.raises(ValueError, match=r"^Query Run 6c3d9e2f1a7b is failed"):
        client.iter_result_rows(failed)
    succeeded = client.get_query_run(REPORT, PAGED_RUN, DIRECT)
    with pytest.raises(ValueError, match=r"^format must be 'csv' or 'json', not 'xlsx'$"):
        client.download_result(succeeded, "unused", format="xlsx")


def test_iter_result_rows_through_the_redirect(client: ModeClient) -> None:
    run = client.get_query_run(REPORT, PAGED_RUN, REDIRECTED)
    assert list(client.iter_result_rows(run)) == REVENUE_ROWS
    completed = client.get_query_run(REPORT, SINGLE_RUN, "4a5b6c7d8e9f")
    assert [row["country"] for row in client.iter_result_rows(completed)] == [
        "Côte d'Ivoire",
        "Korea, Republic of",
        "Österreich",
    ]


@pytest.mark.anyio
async def test_async_download_and_rows(mock_server: MockServer, tmp_path: Path) -> None:
    base = mock_server.base_url
    async with AsyncModeClient("acme", "demo-token", "demo-secret", base_url=base) as mode:
        run = await mode.get_query_run(REPORT, PAGED_RUN, REDIRECTED)
        written = await mode.download_result(run, tmp_path / "r.json", format="json")
        rows = [row async for row in mode.iter_result_rows(run)]
    assert (tmp_path / "r.json").read_bytes() == recorded_body(REDIRECTED, "json")
    assert written == len(recorded_body(REDIRECTED, "json"))
    assert rows == REVENUE_ROWS


def test_wide_fields_newlines_in_quotes_and_crlf_read_back() -> None:
    assert len(WIDE_JSON) > 131_072
    limit = csv.field_size_limit()
    rows, seen = [], []
    with ScriptedServer(WIDE_ANSWER) as server, scripted_client(server) as mode:
        for row in mode.iter_result_rows(scripted_run()):
            rows.append(row)
            seen.append(csv_limit_in_another_thread())  # while the result is being read
    assert rows == WIDE_ROWS
    assert seen == [(limit, f"field larger than field limit ({limit})")] * 3
    assert csv.field_size_limit() == limit


@pytest.mark.anyio
async def test_async_wide_fields_newlines_in_quotes_and_crlf_read_back() -> None:
    limit = csv.field_size_limit()
    rows, seen = [], []
    with ScriptedServer(WIDE_ANSWER) as server:
        base = f"{server.url}/api"
        async with AsyncModeClient("acme", "demo-token", "demo-secret", base_url=base) as mode:
            async for row in mode.iter_result_rows(scripted_run()):
                rows.append(row)
                seen.append(csv_limit_in_another_thread())
    assert rows == WIDE_ROWS
    assert seen == [(limit, f"field larger than field limit ({limit})")] * 3
    assert csv.field_size_limit() == limit


@pytest.mark.parametrize("size", [1000, 4096, 65_537, len(WIDE_CSV)])
def test_wide_csv_in_chunks_of_any_size(size: int) -> None:
    rows = CsvRows()
    out = [row for i in range(0, len(WIDE_CSV), size) for row in rows.feed(WIDE_CSV[i : i + size])]
    assert out + rows.close() == WIDE_ROWS


def test_csv_rows_survive_any_chunk_boundary() -> None:
    text = '\ufeffa,b\r\n1,"x\r\ny, ""z"""\r\n2,\r\n'
    expected = [{"a": "1", "b": 'x\r\ny, "z"'}, {"a": "2", "b": ""}]
    for size in range(1, len(text) + 1):
        rows = CsvRows()
        out = [row for i in range(0, len(text), size) for row in rows.feed(text[i : i + size])]
        assert out + rows.close() == expected, size
    unterminated = CsvRows()
    assert unterminated.feed("a\n1") == []
    assert unterminated.close() == [{"a": "1"}]


def csv_module_fields(record: str) -> list[str] | str:
    """The fields the ``csv`` module reads from one record, or its error without the hint."""
    try:
        return next(csv.reader([record]), [])
    except csv.Error as exc:
        return str(exc).split(" - ")[0]


def own_fields(record: str) -> list[str] | str:
    try:
        return CsvRows()._split(record, final=True) or []
    except ResponseParseError as exc:
        return exc.message.removeprefix("CSV is malformed after 0 rows: ")


def test_wide_records_split_as_the_csv_module_splits_every_record() -> None:
    pieces = ["a", "b", ",", '"', '""', "\r", "\n", "\r\n", " "]
    records = [
        "".join(combination)
        for length in range(5)
        for combination in itertools.product(pieces, repeat=length)
    ]
    assert len(records) == 7381
    differ = [r for r in records if own_fields(r) != csv_module_fields(r)]
    assert differ == []
    assert own_fields('"a"b"c,"d""e"\r\n') == ['ab"c', 'd"e']
    assert own_fields("2026-10-31\r,1187\n") == "new-line character seen in unquoted field"


def test_a_limit_lowered_while_records_are_split_hands_them_to_our_splitter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The limit read is past every record, the csv reader's own is still 131,072: as when
    # another thread lowers it between the read and the split.
    monkeypatch.setattr(csv, "field_size_limit", lambda *new: 2**31 - 1)
    rows = CsvRows()
    assert rows.feed(WIDE_CSV) + rows.close() == WIDE_ROWS


def test_a_ragged_csv_row_is_a_parse_error() -> None:
    with pytest.raises(ResponseParseError, match=r"^CSV row 2 has 3 fields, the header 2$"):
        CsvRows().feed("a,b\n1,2\n1,2,3\n")


def test_progress_bar_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with terminal_progress(io.StringIO(), "q1") as progress:
        assert progress is None
    screen = Terminal()
    with terminal_progress(screen, "q1") as progress:
        assert progress is not None
        progress(0, 2048)
        progress(2048, 2048)
    assert "q1" in screen.getvalue()
    assert "2.0/2.0 kB" in screen.getvalue()


def test_cli_results_to_a_file_and_to_stdout(mock_server: MockServer, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    args = ("results", REPORT, PAGED_RUN, REDIRECTED)
    written = run_cli(*args, "--output", str(target), base_url=mock_server.base_url)
    assert (written.returncode, written.stdout, written.stderr) == (0, "", "")
    assert target.read_bytes() == recorded_body(REDIRECTED, "csv")
    printed = run_cli(*args, "--format", "json", base_url=mock_server.base_url)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.encode() == recorded_body(REDIRECTED, "json")


def test_cli_results_of_a_failed_run_is_one_line_error(mock_server: MockServer) -> None:
    result = run_cli("results", REPORT, PAGED_RUN, "6c3d9e2f1a7b", base_url=mock_server.base_url)
    assert_one_line_error(result, "Query Run 6c3d9e2f1a7b is failed: it ended without results")


def test_a_new_download_gets_the_umask_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        with (
            ScriptedServer(Scripted(200, b"a\n1\n", {"Content-Type": "text/csv"})) as server,
            scripted_client(server) as mode,
        ):
            mode.download_result(scripted_run(), tmp_path / "new.csv")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "kept.csv"
    target.write_bytes(b"old\n")
    target.chmod(0o664)
    with (
        ScriptedServer(Scripted(200, b"a\n1\n", {"Content-Type": "text/csv"})) as server,
        scripted_client(server) as mode,
    ):
        mode.download_result(scripted_run(), target)
    assert target.read_bytes() == b"a\n1\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("missing/out.csv", "No such file or directory"),
        ("plain.txt/out.csv", "Not a directory"),
        ("folder", "Is a directory"),
        ("", None),
    ],
)
def test_cli_results_to_an_unwritable_path_is_one_line_error(
    mock_server: MockServer, tmp_path: Path, output: str, reason: str | None
) -> None:
    (tmp_path / "plain.txt").write_text("x")
    (tmp_path / "folder").mkdir()
    args = ("results", REPORT, PAGED_RUN, REDIRECTED, "--output", output)
    result = run_cli(*args, base_url=mock_server.base_url, cwd=tmp_path)
    expected = (
        f"cannot write {output}: {reason}" if reason else "cannot write '': no file name given"
    )
    assert_one_line_error(result, expected)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["folder", "plain.txt"]


def test_cli_results_output_dash_is_stdout(mock_server: MockServer, tmp_path: Path) -> None:
    args = ("results", REPORT, PAGED_RUN, REDIRECTED, "-o", "-")
    result = run_cli(*args, base_url=mock_server.base_url, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.encode() == recorded_body(REDIRECTED, "csv")
    assert list(tmp_path.iterdir()) == []


def test_a_login_page_instead_of_results_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    page = Scripted(200, b"<html>login</html>", {"Content-Type": "text/html; charset=utf-8"})
    with ScriptedServer(page, page) as server, scripted_client(server) as mode:
        with pytest.raises(ResponseParseError) as caught:
            mode.download_result(scripted_run(), tmp_path / "out.csv")
        assert caught.value.message == (
            "expected result content, got a web page (text/html; charset=utf-8)"
        )
        assert caught.value.status == 200
        with pytest.raises(ResponseParseError, match="got a web page"):
            list(mode.iter_result_rows(scripted_run()))
    assert list(tmp_path.iterdir()) == []
