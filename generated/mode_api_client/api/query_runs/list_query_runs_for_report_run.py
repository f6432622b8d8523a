from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.query_run_collection import QueryRunCollection
from ...types import Response


def _get_kwargs(
    account: str,
    report: str,
    run: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/{account}/reports/{report}/runs/{run}/query_runs".format(
            account=quote(str(account), safe=""),
            report=quote(str(report), safe=""),
            run=quote(str(run), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | QueryRunCollection | None:
    if response.status_code == 200:
        response_200 = QueryRunCollection.from_json(response.content)
        return response_200

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
) -> Response[Error | QueryRunCollection]:
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
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | QueryRunCollection]:
    """List the Query Runs of a Report Run

     One page of the Query Runs that a Report Run executed. Further pages are
    reached by following `_links.next_page`; its absence marks the last page.

    Args:
        account (str):
        report (str):
        run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | QueryRunCollection]
    """

    kwargs = _get_kwargs(
        account=account,
        report=report,
        run=run,
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
    *,
    client: AuthenticatedClient | Client,
) -> Error | QueryRunCollection | None:
    """List the Query Runs of a Report Run

     One page of the Query Runs that a Report Run executed. Further pages are
    reached by following `_links.next_page`; its absence marks the last page.

    Args:
        account (str):
        report (str):
        run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | QueryRunCollection
    """

    return sync_detailed(
        account=account,
        report=report,
        run=run,
        client=client,
    ).parsed


async def asyncio_detailed(
    account: str,
    report: str,
    run: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | QueryRunCollection]:
    """List the Query Runs of a Report Run

     One page of the Query Runs that a Report Run executed. Further pages are
    reached by following `_links.next_page`; its absence marks the last page.

    Args:
        account (str):
        report (str):
        run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | QueryRunCollection]
    """

    kwargs = _get_kwargs(
        account=account,
        report=report,
        run=run,
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
    *,
    client: AuthenticatedClient | Client,
) -> Error | QueryRunCollection | None:
    """List the Query Runs of a Report Run

     One page of the Query Runs that a Report Run executed. Further pages are
    reached by following `_links.next_page`; its absence marks the last page.

    Args:
        account (str):
        report (str):
        run (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | QueryRunCollection
    """

    return (
        await asyncio_detailed(
            account=account,
            report=report,
            run=run,
            client=client,
        )
    ).parsed
