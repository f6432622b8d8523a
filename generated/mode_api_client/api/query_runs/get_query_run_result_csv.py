from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    account: str,
    report: str,
    run: str,
    query_run: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/{account}/reports/{report}/runs/{run}/query_runs/{query_run}/results/content.csv".format(
            account=quote(str(account), safe=""),
            report=quote(str(report), safe=""),
            run=quote(str(run), safe=""),
            query_run=quote(str(query_run), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 302:
        response_302 = response.text
        return response_302

    if response.status_code == 401:
        response_401 = Error.from_json(response.content)
        return response_401

    if response.status_code == 404:
        response_404 = Error.from_json(response.content)
        return response_404

    if response.status_code == 429:
        response_429 = Error.from_json(response.content)
        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | str]:
    try:
        parsed = _parse_response(client=client, response=response)
    except errors.UnreadableBody as error:
        error.response = response
        raise
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
        request=response.request,
    )


def sync_detailed(
    account: str,
    report: str,
    run: str,
    query_run: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | str]:
    """Get a Query Run's result as CSV

     The result rows of a finished Query Run as CSV, the header row first: the
    `result` relation's href followed by `/content.csv`. Results can be as large as
    the run's `max_result_bytes`; read them as a stream. Mode may answer with a
    redirect to a storage host, which must be followed without Mode's credentials.

    Args:
        account (str):
        report (str):
        run (str):
        query_run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        account=account,
        report=report,
        run=run,
        query_run=query_run,
    )

    httpx_client = client.get_httpx_client()
    # Joined here, as httpx would join it: a relative URL costs httpx a second parse.
    kwargs["url"] = str(httpx_client.base_url).rstrip("/") + kwargs["url"]
    response = httpx_client.request(**kwargs)

    return _build_response(client=client, response=response)


def sync(
    account: str,
    report: str,
    run: str,
    query_run: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | str | None:
    """Get a Query Run's result as CSV

     The result rows of a finished Query Run as CSV, the header row first: the
    `result` relation's href followed by `/content.csv`. Results can be as large as
    the run's `max_result_bytes`; read them as a stream. Mode may answer with a
    redirect to a storage host, which must be followed without Mode's credentials.

    Args:
        account (str):
        report (str):
        run (str):
        query_run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return sync_detailed(
        account=account,
        report=report,
        run=run,
        query_run=query_run,
        client=client,
    ).parsed


async def asyncio_detailed(
    account: str,
    report: str,
    run: str,
    query_run: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | str]:
    """Get a Query Run's result as CSV

     The result rows of a finished Query Run as CSV, the header row first: the
    `result` relation's href followed by `/content.csv`. Results can be as large as
    the run's `max_result_bytes`; read them as a stream. Mode may answer with a
    redirect to a storage host, which must be followed without Mode's credentials.

    Args:
        account (str):
        report (str):
        run (str):
        query_run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        account=account,
        report=report,
        run=run,
        query_run=query_run,
    )

    httpx_client = client.get_async_httpx_client()
    # Joined here, as httpx would join it: a relative URL costs httpx a second parse.
    kwargs["url"] = str(httpx_client.base_url).rstrip("/") + kwargs["url"]
    response = await httpx_client.request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account: str,
    report: str,
    run: str,
    query_run: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | str | None:
    """Get a Query Run's result as CSV

     The result rows of a finished Query Run as CSV, the header row first: the
    `result` relation's href followed by `/content.csv`. Results can be as large as
    the run's `max_result_bytes`; read them as a stream. Mode may answer with a
    redirect to a storage host, which must be followed without Mode's credentials.

    Args:
        account (str):
        report (str):
        run (str):
        query_run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return (
        await asyncio_detailed(
            account=account,
            report=report,
            run=run,
            query_run=query_run,
            client=client,
        )
    ).parsed
