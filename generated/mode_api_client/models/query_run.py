from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.query_run_embedded_type_0 import QueryRunEmbeddedType0
    from ..models.query_run_links import QueryRunLinks
    from ..models.query_run_parameters_type_0 import QueryRunParametersType0


T = TypeVar("T", bound="QueryRun")


@_attrs_define
class QueryRun:
    """One execution of one of a Report's queries within a Report Run. Fields Mode sends that are not listed here are kept.

    Attributes:
        id (int | str): Numeric id (an integer on the wire; a string is accepted).
        token (str): The Query Run token.
        state (str): Open-ended. Seen: `enqueued`, `running`, `succeeded`, `failed`, `cancelled`, `completed`; Mode adds
            states over time.
        created_at (datetime.datetime | str): ISO 8601 date-time with milliseconds and `Z` as Mode sends it
            (`2020-05-04T20:17:55.387Z`); any other string (such as the reference page's placeholder `YYYY-MM-
            DDTHH:MM:SS.msZ`) is kept as text.
        field_links (QueryRunLinks): The Query Run's relations. `self` is always present; relations Mode adds beyond the
            nine documented ones are kept. Each relation is a Link or an array of Links.
        completed_at (datetime.datetime | None | str | Unset): When the run ended; `null` while it has not.
        data_source_id (int | str | Unset): Id of the data source the query ran on.
        data_source_token (str | Unset):
        limit (bool | int | str | Unset): Whether a row limit applied: a boolean in live payloads; an integer or a
            string in older or documented forms.
        max_result_bytes (int | str | Unset): Largest result the run may produce, in bytes.
        query_token (str | Unset): Token of the query that was run.
        query_name (str | Unset):
        query_created_at (datetime.datetime | str | Unset): ISO 8601 date-time with milliseconds and `Z` as Mode sends
            it (`2020-05-04T20:17:55.387Z`); any other string (such as the reference page's placeholder `YYYY-MM-
            DDTHH:MM:SS.msZ`) is kept as text.
        parameters (QueryRunParametersType0 | str | Unset): The run's parameter values as a JSON object (`{}` when
            none); a string in the reference page's example.
        raw_source (None | str | Unset):
        rendered_source (None | str | Unset):
        statement_annotation (None | str | Unset):
        dbt_metric_id (int | None | str | Unset): Id of the dbt metric, if the query came from one.
        dbt_metric_token (None | str | Unset):
        help_url (None | str | Unset):
        error_code (None | str | Unset):
        error_type (None | str | Unset):
        error_message (None | str | Unset):
        field_embedded (None | QueryRunEmbeddedType0 | Unset): Embedded resources (usually empty; `null` or absent for
            none).
    """

    id: int | str
    token: str
    state: str
    created_at: datetime.datetime | str
    field_links: QueryRunLinks
    completed_at: datetime.datetime | None | str | Unset = UNSET
    data_source_id: int | str | Unset = UNSET
    data_source_token: str | Unset = UNSET
    limit: bool | int | str | Unset = UNSET
    max_result_bytes: int | str | Unset = UNSET
    query_token: str | Unset = UNSET
    query_name: str | Unset = UNSET
    query_created_at: datetime.datetime | str | Unset = UNSET
    parameters: QueryRunParametersType0 | str | Unset = UNSET
    raw_source: None | str | Unset = UNSET
    rendered_source: None | str | Unset = UNSET
    statement_annotation: None | str | Unset = UNSET
    dbt_metric_id: int | None | str | Unset = UNSET
    dbt_metric_token: None | str | Unset = UNSET
    help_url: None | str | Unset = UNSET
    error_code: None | str | Unset = UNSET
    error_type: None | str | Unset = UNSET
    error_message: None | str | Unset = UNSET
    field_embedded: None | QueryRunEmbeddedType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.query_run_embedded_type_0 import QueryRunEmbeddedType0
        from ..models.query_run_parameters_type_0 import QueryRunParametersType0

        id: int | str
        id = self.id

        token = self.token

        state = self.state

        created_at: str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        field_links = self.field_links.to_dict()

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        data_source_id: int | str | Unset
        if isinstance(self.data_source_id, Unset):
            data_source_id = UNSET
        else:
            data_source_id = self.data_source_id

        data_source_token = self.data_source_token

        limit: bool | int | str | Unset
        if isinstance(self.limit, Unset):
            limit = UNSET
        else:
            limit = self.limit

        max_result_bytes: int | str | Unset
        if isinstance(self.max_result_bytes, Unset):
            max_result_bytes = UNSET
        else:
            max_result_bytes = self.max_result_bytes

        query_token = self.query_token

        query_name = self.query_name

        query_created_at: str | Unset
        if isinstance(self.query_created_at, Unset):
            query_created_at = UNSET
        elif isinstance(self.query_created_at, datetime.datetime):
            query_created_at = self.query_created_at.isoformat()
        else:
            query_created_at = self.query_created_at

        parameters: dict[str, Any] | str | Unset
        if isinstance(self.parameters, Unset):
            parameters = UNSET
        elif isinstance(self.parameters, QueryRunParametersType0):
            parameters = self.parameters.to_dict()
        else:
            parameters = self.parameters

        raw_source: None | str | Unset
        if isinstance(self.raw_source, Unset):
            raw_source = UNSET
        else:
            raw_source = self.raw_source

        rendered_source: None | str | Unset
        if isinstance(self.rendered_source, Unset):
            rendered_source = UNSET
        else:
            rendered_source = self.rendered_source

        statement_annotation: None | str | Unset
        if isinstance(self.statement_annotation, Unset):
            statement_annotation = UNSET
        else:
            statement_annotation = self.statement_annotation

        dbt_metric_id: int | None | str | Unset
        if isinstance(self.dbt_metric_id, Unset):
            dbt_metric_id = UNSET
        else:
            dbt_metric_id = self.dbt_metric_id

        dbt_metric_token: None | str | Unset
        if isinstance(self.dbt_metric_token, Unset):
            dbt_metric_token = UNSET
        else:
            dbt_metric_token = self.dbt_metric_token

        help_url: None | str | Unset
        if isinstance(self.help_url, Unset):
            help_url = UNSET
        else:
            help_url = self.help_url

        error_code: None | str | Unset
        if isinstance(self.error_code, Unset):
            error_code = UNSET
        else:
            error_code = self.error_code

        error_type: None | str | Unset
        if isinstance(self.error_type, Unset):
            error_type = UNSET
        else:
            error_type = self.error_type

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        field_embedded: dict[str, Any] | None | Unset
        if isinstance(self.field_embedded, Unset):
            field_embedded = UNSET
        elif isinstance(self.field_embedded, QueryRunEmbeddedType0):
            field_embedded = self.field_embedded.to_dict()
        else:
            field_embedded = self.field_embedded

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "token": token,
                "state": state,
                "created_at": created_at,
                "_links": field_links,
            }
        )
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if data_source_id is not UNSET:
            field_dict["data_source_id"] = data_source_id
        if data_source_token is not UNSET:
            field_dict["data_source_token"] = data_source_token
        if limit is not UNSET:
            field_dict["limit"] = limit
        if max_result_bytes is not UNSET:
            field_dict["max_result_bytes"] = max_result_bytes
        if query_token is not UNSET:
            field_dict["query_token"] = query_token
        if query_name is not UNSET:
            field_dict["query_name"] = query_name
        if query_created_at is not UNSET:
            field_dict["query_created_at"] = query_created_at
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if raw_source is not UNSET:
            field_dict["raw_source"] = raw_source
        if rendered_source is not UNSET:
            field_dict["rendered_source"] = rendered_source
        if statement_annotation is not UNSET:
            field_dict["statement_annotation"] = statement_annotation
        if dbt_metric_id is not UNSET:
            field_dict["dbt_metric_id"] = dbt_metric_id
        if dbt_metric_token is not UNSET:
            field_dict["dbt_metric_token"] = dbt_metric_token
        if help_url is not UNSET:
            field_dict["help_url"] = help_url
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if error_type is not UNSET:
            field_dict["error_type"] = error_type
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if field_embedded is not UNSET:
            field_dict["_embedded"] = field_embedded

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.query_run_embedded_type_0 import QueryRunEmbeddedType0
        from ..models.query_run_links import QueryRunLinks
        from ..models.query_run_parameters_type_0 import QueryRunParametersType0

        d = dict(src_dict)

        def _parse_id(data: object) -> int | str:
            return cast(int | str, data)

        id = _parse_id(d.pop("id"))

        token = d.pop("token")

        state = d.pop("state")

        def _parse_created_at(data: object) -> datetime.datetime | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_timestamp_type_0 = datetime.datetime.fromisoformat(
                    data
                )

                return componentsschemas_timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | str, data)

        created_at = _parse_created_at(d.pop("created_at"))

        field_links = QueryRunLinks.from_dict(d.pop("_links"))

        def _parse_completed_at(data: object) -> datetime.datetime | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_timestamp_type_0 = datetime.datetime.fromisoformat(
                    data
                )

                return componentsschemas_timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | str | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))

        def _parse_data_source_id(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        data_source_id = _parse_data_source_id(d.pop("data_source_id", UNSET))

        data_source_token = d.pop("data_source_token", UNSET)

        def _parse_limit(data: object) -> bool | int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | int | str | Unset, data)

        limit = _parse_limit(d.pop("limit", UNSET))

        def _parse_max_result_bytes(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        max_result_bytes = _parse_max_result_bytes(d.pop("max_result_bytes", UNSET))

        query_token = d.pop("query_token", UNSET)

        query_name = d.pop("query_name", UNSET)

        def _parse_query_created_at(data: object) -> datetime.datetime | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_timestamp_type_0 = datetime.datetime.fromisoformat(
                    data
                )

                return componentsschemas_timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | str | Unset, data)

        query_created_at = _parse_query_created_at(d.pop("query_created_at", UNSET))

        def _parse_parameters(data: object) -> QueryRunParametersType0 | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                parameters_type_0 = QueryRunParametersType0.from_dict(data)

                return parameters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(QueryRunParametersType0 | str | Unset, data)

        parameters = _parse_parameters(d.pop("parameters", UNSET))

        def _parse_raw_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        raw_source = _parse_raw_source(d.pop("raw_source", UNSET))

        def _parse_rendered_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rendered_source = _parse_rendered_source(d.pop("rendered_source", UNSET))

        def _parse_statement_annotation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        statement_annotation = _parse_statement_annotation(
            d.pop("statement_annotation", UNSET)
        )

        def _parse_dbt_metric_id(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        dbt_metric_id = _parse_dbt_metric_id(d.pop("dbt_metric_id", UNSET))

        def _parse_dbt_metric_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dbt_metric_token = _parse_dbt_metric_token(d.pop("dbt_metric_token", UNSET))

        def _parse_help_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        help_url = _parse_help_url(d.pop("help_url", UNSET))

        def _parse_error_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_code = _parse_error_code(d.pop("error_code", UNSET))

        def _parse_error_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_type = _parse_error_type(d.pop("error_type", UNSET))

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("error_message", UNSET))

        def _parse_field_embedded(data: object) -> None | QueryRunEmbeddedType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                field_embedded_type_0 = QueryRunEmbeddedType0.from_dict(data)

                return field_embedded_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QueryRunEmbeddedType0 | Unset, data)

        field_embedded = _parse_field_embedded(d.pop("_embedded", UNSET))

        query_run = cls(
            id=id,
            token=token,
            state=state,
            created_at=created_at,
            field_links=field_links,
            completed_at=completed_at,
            data_source_id=data_source_id,
            data_source_token=data_source_token,
            limit=limit,
            max_result_bytes=max_result_bytes,
            query_token=query_token,
            query_name=query_name,
            query_created_at=query_created_at,
            parameters=parameters,
            raw_source=raw_source,
            rendered_source=rendered_source,
            statement_annotation=statement_annotation,
            dbt_metric_id=dbt_metric_id,
            dbt_metric_token=dbt_metric_token,
            help_url=help_url,
            error_code=error_code,
            error_type=error_type,
            error_message=error_message,
            field_embedded=field_embedded,
        )

        query_run.additional_properties = d
        return query_run

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
