"""Mode web app URLs of a Report Run or a Query Run, read into their tokens."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_HOSTS = {"app.mode.com", "modeanalytics.com", "www.modeanalytics.com", "app.modeanalytics.com"}
"""Mode's web app hosts (modeanalytics.com is Mode's former domain)."""


@dataclass(frozen=True)
class ModeURL:
    """The tokens in a Mode URL: ``account`` (a Workspace's or User's username, the
    client's ``account``), ``report``, ``run`` (the Report Run) and ``query_run`` (``None``
    in a Report Run's URL)."""

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
        [get_query_run][mode_query_runs.ModeClient.get_query_run]; ``ValueError`` for a
        Report Run's URL, which names no Query Run."""
        if self.query_run is None:
            raise ValueError(
                f"the URL of Report Run {self.run} names no Query Run: expected"
                " .../runs/RUN/query_runs/QUERY_RUN"
            )
        return self.report, self.run, self.query_run


def parse_mode_url(url: str) -> ModeURL:
    """The [ModeURL][mode_query_runs.ModeURL] of a Mode web app (or API) URL:
    ``https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN`` (a Report Run, as Mode's
    ``report_run_web``), then maybe ``/query_runs/QUERY_RUN`` or
    ``/query_runs/QUERY_RUN/results`` (a Query Run, as ``result_web``), or that path under
    ``/api`` (the API's ``self`` hrefs). The host is ``app.mode.com`` or (``www.``, ``app.``)
    ``modeanalytics.com``, in any case; the scheme ``https``, ``http`` or none. Surrounding
    whitespace, a trailing ``/``, a query and a fragment are ignored; segments are
    percent-decoded. ``ValueError`` (naming the reason and the shape expected) for any other
    URL: another host, a Report's, query's or chart's page."""
    text = url.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").lower()
    except ValueError:
        reason = "not a URL"
    else:
        segments = [unquote(segment) for segment in parts.path.removesuffix("/").split("/")[1:]]
        segments = segments[1:] if segments[:1] == ["api"] else segments
        names = ["reports", "runs", "query_runs", "results"][: len(segments) // 2]
        empty_or_dots = any(segment in ("", ".", "..") for segment in segments)
        if parts.scheme.lower() not in ("https", "http"):
            reason = f"the scheme is {parts.scheme!r}"
        elif host not in _HOSTS:
            reason = f"the host is {host!r}, not app.mode.com" if host else "no host"
        elif len(segments) >= 3 and segments[1] == "reports" and segments[3:4] != ["runs"]:
            reason = "it names no Report Run"
        elif len(segments) not in (5, 7, 8) or segments[1::2] != names or empty_or_dots:
            reason = "the path is not a Report Run's or a Query Run's"
        else:
            query_run = segments[6] if len(segments) > 6 else None
            return ModeURL(segments[0], segments[2], segments[4], query_run)
    raise ValueError(
        f"{url!r} is not a Mode URL of a Report Run or Query Run ({reason}): expected"
        " https://app.mode.com/ACCOUNT/reports/REPORT/runs/RUN, optionally followed by"
        " /query_runs/QUERY_RUN or /query_runs/QUERY_RUN/results"
    )
