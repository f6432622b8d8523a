"""Mode web app URLs of a Report Run or a Query Run, read into their tokens.

People copy URLs from Mode's web app rather than tokens:
[parse_mode_url][mode_query_runs.parse_mode_url] lists the shapes read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = ["EXPECTED_URL", "MODE_WEB_HOSTS", "ModeURL", "looks_like_url", "parse_mode_url"]

MODE_WEB_HOSTS = frozenset(
    {"app.mode.com", "modeanalytics.com", "www.modeanalytics.com", "app.modeanalytics.com"}
)
"""The hosts of Mode's web app (``modeanalytics.com`` is Mode's former domain)."""
EXPECTED_URL = (
    "https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN, optionally followed by"
    " /query_runs/QUERY_RUN or /query_runs/QUERY_RUN/results"
)
"""The accepted shapes, as error messages state them."""


@dataclass(frozen=True)
class ModeURL:
    """The tokens in a Mode URL of a Report Run or a Query Run.

    Attributes:
        account: The Workspace or User username (the path's first segment); give it as
            the client's ``account``.
        report: The Report token.
        run: The Report Run token.
        query_run: The Query Run token; ``None`` for a URL of a Report Run.
    """

    account: str
    report: str
    run: str
    query_run: str | None = None

    @property
    def report_run(self) -> tuple[str, str]:
        """``(report, run)``: the arguments of
        [list_query_runs][mode_query_runs.ModeClient.list_query_runs] and
        [wait_for_report_run][mode_query_runs.ModeClient.wait_for_report_run]."""
        return self.report, self.run

    def query_run_tokens(self) -> tuple[str, str, str]:
        """``(report, run, query_run)``: the arguments of
        [get_query_run][mode_query_runs.ModeClient.get_query_run].

        Raises:
            ValueError: the URL is of a Report Run, naming no Query Run.
        """
        if self.query_run is None:
            raise ValueError(
                f"the URL of Report Run {self.run} names no Query Run: expected"
                " .../runs/RUN/query_runs/QUERY_RUN"
            )
        return self.report, self.run, self.query_run


def looks_like_url(text: str) -> bool:
    """Whether ``text`` is meant as a URL rather than a token: it holds a ``/`` (which no
    Mode token has)."""
    return "/" in text


def _refuse(url: str, reason: str) -> ValueError:
    return ValueError(
        f"{url!r} is not a Mode URL of a Report Run or Query Run ({reason}):"
        f" expected {EXPECTED_URL}"
    )


def parse_mode_url(url: str) -> ModeURL:
    """The account and tokens of a Mode web app (or API) URL of a Report Run or Query Run.

    The shapes read are those of Mode's own browser links (the ``*_web`` relations of a
    Query Run in Mode's Query Runs API reference: ``report_run_web``, ``result_web``) and
    of the API's ``self`` hrefs:

    - ``https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN``: a Report Run (its page,
      ``report_run_web``);
    - ``https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN/query_runs/QUERY_RUN``: a
      Query Run;
    - ``https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN/query_runs/QUERY_RUN/results``:
      a Query Run's result page (``result_web``);
    - the same paths under ``/api`` (``https://app.mode.com/api/ACCOUNT/reports/...``, the
      API's ``self`` hrefs).

    The host is ``app.mode.com`` or Mode's former ``modeanalytics.com`` (``www.``,
    ``app.``), in any case; the scheme ``https`` or ``http``, or none
    (``app.mode.com/acme/...``). A trailing ``/``, a query string (``?param_x=1``) and a
    fragment are ignored; percent-encoded segments are decoded. Anything else is refused:
    another host, a Report's page without a run (``/reports/REPORT``), a query's page
    (``/reports/REPORT/queries/QUERY``, which names a query, not a Query Run), a chart's.

    ```python
    from mode_query_runs import ModeClient, parse_mode_url

    where = parse_mode_url("https://app.mode.com/acme/reports/a1b2c3d4e5f6/runs/8f3e2d1c0b9a")
    with ModeClient(where.account, token, secret) as mode:
        runs = list(mode.list_query_runs(*where.report_run))
    ```

    Args:
        url: A URL in one of those shapes (surrounding whitespace is removed).

    Returns:
        A [ModeURL][mode_query_runs.ModeURL]; its ``query_run`` is ``None`` for a URL
        of a Report Run.

    Raises:
        ValueError: ``url`` is not one of those shapes; the message names the reason (the
            host is not Mode's, the path is not a Report Run's, ...) and the expected
            shape.
    """
    text = url.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").lower()
    except ValueError:
        raise _refuse(url, "not a URL") from None
    if parts.scheme.lower() not in ("https", "http"):
        raise _refuse(url, f"the scheme is {parts.scheme!r}")
    if host not in MODE_WEB_HOSTS:
        raise _refuse(url, f"the host is {host!r}, not app.mode.com" if host else "no host")
    segments = [unquote(segment) for segment in parts.path.split("/")[1:]]
    if segments and segments[-1] == "":
        segments.pop()
    if segments[:1] == ["api"]:
        segments = segments[1:]
    if len(segments) >= 3 and segments[1] == "reports" and segments[3:4] != ["runs"]:
        raise _refuse(url, "it names no Report Run")
    shape_ok = (
        len(segments) in (5, 7, 8)
        and segments[1] == "reports"
        and segments[3] == "runs"
        and (len(segments) == 5 or segments[5] == "query_runs")
        and (len(segments) < 8 or segments[7] == "results")
    )
    if not shape_ok or any(segment in ("", ".", "..") for segment in segments):
        raise _refuse(url, "the path is not a Report Run's or a Query Run's")
    return ModeURL(
        account=segments[0],
        report=segments[2],
        run=segments[4],
        query_run=segments[6] if len(segments) > 6 else None,
    )
