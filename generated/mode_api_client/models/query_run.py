from __future__ import annotations

import datetime
from collections.abc import Mapping
from datetime import UTC as _UTC
from datetime import datetime as _datetime
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Self,
    TypeVar,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import models as _models
from ..errors import UnreadableBody
from ..types import (
    INEXACT,
    REREAD,
    UNSET,
    Deviation,
    Place,
    RawDeviation,
    Unset,
    decode_fast,
    decode_json,
    finish,
    integral,
    json_type,
    scan,
    wire_timestamp,
    wire_value,
)

if TYPE_CHECKING:
    from ..models.query_run_embedded_type_0 import QueryRunEmbeddedType0
    from ..models.query_run_links import QueryRunLinks
    from ..models.query_run_parameters_type_0 import QueryRunParametersType0


T = TypeVar("T", bound="QueryRun")
_new = object.__new__


@_attrs_define
class QueryRun:
    """One execution of one of a Report's queries within a Report Run. Fields Mode sends that are not listed here are kept.

    Read tolerantly (``from_dict``, ``from_json``): a value whose JSON type the spec does not
    expect leaves its attribute ``UNSET`` and is kept in ``additional_properties`` under its
    JSON key, as is a key the spec does not name; a missing required property leaves its
    attribute ``UNSET``. ``types.deviations_of(model)`` lists what strayed; ``to_dict()``
    writes back the body that was read.

    Attributes:
        id (int | str): Numeric id (an integer on the wire; a string is accepted).
        token (str): The Query Run token.
        state (str): Open-ended. Seen: `enqueued`, `running`, `succeeded`, `failed`, `cancelled`, `completed`; Mode adds
            states over time. The SDK waits on a run until its state is one of `x-final-states`, and fetches no results of a
            run whose state is one of `x-states-without-results`; any other state is waited on and its results are tried.
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
    _deviations: tuple[Deviation, ...] = _attrs_field(
        init=False, default=(), eq=False, repr=False
    )
    attribute_names: ClassVar[Mapping[str, str]] = {
        "id": "id",
        "token": "token",
        "state": "state",
        "created_at": "created_at",
        "_links": "field_links",
        "completed_at": "completed_at",
        "data_source_id": "data_source_id",
        "data_source_token": "data_source_token",
        "limit": "limit",
        "max_result_bytes": "max_result_bytes",
        "query_token": "query_token",
        "query_name": "query_name",
        "query_created_at": "query_created_at",
        "parameters": "parameters",
        "raw_source": "raw_source",
        "rendered_source": "rendered_source",
        "statement_annotation": "statement_annotation",
        "dbt_metric_id": "dbt_metric_id",
        "dbt_metric_token": "dbt_metric_token",
        "help_url": "help_url",
        "error_code": "error_code",
        "error_type": "error_type",
        "error_message": "error_message",
        "_embedded": "field_embedded",
    }
    """The attribute that holds each JSON key the spec names (``"_links"``: ``"field_links"``)."""
    spec_lists: ClassVar[Mapping[str, frozenset[Any]]] = {
        "state/x-final-states": frozenset(
            ["succeeded", "failed", "cancelled", "completed"]
        ),
        "state/x-states-without-results": frozenset(
            ["enqueued", "running", "failed", "cancelled"]
        ),
    }
    """The spec's lists (``x-`` extensions) on the properties, by ``"property/extension"``
    (``"state/x-final-states"``)."""
    _sent: tuple[Any, ...] = _attrs_field(init=False, default=(), eq=False, repr=False)
    """The texts the timestamp properties were read from, in order (for ``to_dict``)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this model: the body it was read from (timestamps as sent,
        values that strayed from the spec as sent, unknown keys kept)."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if not isinstance(self.id, Unset):
            field_dict["id"] = self.id
        if not isinstance(self.token, Unset):
            field_dict["token"] = self.token
        if not isinstance(self.state, Unset):
            field_dict["state"] = self.state
        if not isinstance(self.created_at, Unset):
            field_dict["created_at"] = wire_timestamp(
                self.created_at, self._sent[0] if self._sent else None
            )
        if not isinstance(self.field_links, Unset):
            field_dict["_links"] = wire_value(self.field_links)
        if not isinstance(self.completed_at, Unset):
            field_dict["completed_at"] = wire_timestamp(
                self.completed_at, self._sent[1] if self._sent else None
            )
        if not isinstance(self.data_source_id, Unset):
            field_dict["data_source_id"] = self.data_source_id
        if not isinstance(self.data_source_token, Unset):
            field_dict["data_source_token"] = self.data_source_token
        if not isinstance(self.limit, Unset):
            field_dict["limit"] = self.limit
        if not isinstance(self.max_result_bytes, Unset):
            field_dict["max_result_bytes"] = self.max_result_bytes
        if not isinstance(self.query_token, Unset):
            field_dict["query_token"] = self.query_token
        if not isinstance(self.query_name, Unset):
            field_dict["query_name"] = self.query_name
        if not isinstance(self.query_created_at, Unset):
            field_dict["query_created_at"] = wire_timestamp(
                self.query_created_at, self._sent[2] if self._sent else None
            )
        if not isinstance(self.parameters, Unset):
            field_dict["parameters"] = wire_value(self.parameters)
        if not isinstance(self.raw_source, Unset):
            field_dict["raw_source"] = self.raw_source
        if not isinstance(self.rendered_source, Unset):
            field_dict["rendered_source"] = self.rendered_source
        if not isinstance(self.statement_annotation, Unset):
            field_dict["statement_annotation"] = self.statement_annotation
        if not isinstance(self.dbt_metric_id, Unset):
            field_dict["dbt_metric_id"] = self.dbt_metric_id
        if not isinstance(self.dbt_metric_token, Unset):
            field_dict["dbt_metric_token"] = self.dbt_metric_token
        if not isinstance(self.help_url, Unset):
            field_dict["help_url"] = self.help_url
        if not isinstance(self.error_code, Unset):
            field_dict["error_code"] = self.error_code
        if not isinstance(self.error_type, Unset):
            field_dict["error_type"] = self.error_type
        if not isinstance(self.error_message, Unset):
            field_dict["error_message"] = self.error_message
        if not isinstance(self.field_embedded, Unset):
            field_dict["_embedded"] = wire_value(self.field_embedded)
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of a decoded JSON object, read tolerantly (see the class docstring).

        Where the object strays from the spec is recorded on the model returned:
        ``types.deviations_of(model)``.
        """
        _found: list[RawDeviation] = []
        _model = cls._read(src_dict, _found, None, None, "")
        if _found:
            _model._deviations = finish(_found)
        return _model

    @classmethod
    def from_json(cls, content: bytes | str) -> Self:
        """The model of a JSON body (bytes as sent, or text), read as ``from_dict`` reads.

        Raises:
            UnreadableBody: the body is not JSON, or not a JSON object.
        """
        body = decode_fast(content)
        if type(body) is not dict:
            raise UnreadableBody(
                f"the body is a JSON {json_type(body)}, not an object", json_type(body)
            )
        _found: list[RawDeviation] = []
        _model = cls._read(body, _found, None, None, "", True)
        if _found:
            if (
                INEXACT in _found or REREAD in _found
            ):  # read again from a fresh decoding
                return cls.from_dict(decode_json(content))
            _model._deviations = finish(_found)
        return _model

    @classmethod
    def _read(
        cls,
        src_dict: Mapping[str, Any],
        _found: list[RawDeviation],
        _at: Place,
        _step: str | int | None,
        _rule: str,
        _own: bool = False,
    ) -> Self:
        """``from_dict`` of the object at ``_step`` (rule step ``_rule``) of the place
        ``_at`` in a body (``_step`` ``None``: the top); deviations go to ``_found``.
        ``_own``: the body is the reader's own (decoded by ``from_json``), read in place
        (its objects lose the keys read) instead of copied."""
        _here: Place = (_at, _step, _rule) if _step is not None else None
        _read_QueryRunLinks = _models.QueryRunLinks._read
        _read_QueryRunParametersType0 = _models.QueryRunParametersType0._read
        _read_QueryRunEmbeddedType0 = _models.QueryRunEmbeddedType0._read
        _d = src_dict if _own and type(src_dict) is dict else dict(src_dict)
        _pop = _d.pop
        _value = _pop("id", UNSET)
        if (
            type(_value) is int or (type(_value) is float and integral(_value, _found))
        ) or type(_value) is str:
            id = _value
        elif _value is UNSET:
            id = UNSET
            _found.append(((_here, "id", "id"), "present", "missing", "required"))
        else:
            _found.append(
                ((_here, "id", "id"), "integer or string", json_type(_value), "type")
            )
            scan(_value, _found)
            id = UNSET
            _d["id"] = _value

        _value = _pop("token", UNSET)
        if type(_value) is str:
            token = _value
        elif _value is UNSET:
            token = UNSET
            _found.append(((_here, "token", "token"), "present", "missing", "required"))
        else:
            _found.append(
                ((_here, "token", "token"), "string", json_type(_value), "type")
            )
            scan(_value, _found)
            token = UNSET
            _d["token"] = _value

        _value = _pop("state", UNSET)
        if type(_value) is str:
            state = _value
        elif _value is UNSET:
            state = UNSET
            _found.append(((_here, "state", "state"), "present", "missing", "required"))
        else:
            _found.append(
                ((_here, "state", "state"), "string", json_type(_value), "type")
            )
            scan(_value, _found)
            state = UNSET
            _d["state"] = _value

        _value = _pop("created_at", UNSET)
        _sent_created_at = _value
        if type(_value) is str:
            try:
                created_at = _datetime.fromisoformat(_value)
                if created_at.tzinfo is None:
                    created_at = created_at.replace(tzinfo=_UTC)
            except ValueError:
                created_at = _value
        elif _value is UNSET:
            created_at = UNSET
            _found.append(
                ((_here, "created_at", "created_at"), "present", "missing", "required")
            )
        else:
            _found.append(
                (
                    (_here, "created_at", "created_at"),
                    "string",
                    json_type(_value),
                    "type",
                )
            )
            scan(_value, _found)
            created_at = UNSET
            _d["created_at"] = _value

        _value = _pop("_links", UNSET)
        if type(_value) is dict:
            field_links = _read_QueryRunLinks(
                _value, _found, _here, "_links", "_links", _own
            )
        elif _value is UNSET:
            field_links = UNSET
            _found.append(
                ((_here, "_links", "_links"), "present", "missing", "required")
            )
        else:
            _found.append(
                ((_here, "_links", "_links"), "object", json_type(_value), "type")
            )
            scan(_value, _found)
            field_links = UNSET
            _d["_links"] = _value

        _value = _pop("completed_at", UNSET)
        _sent_completed_at = _value
        if _value is UNSET:
            completed_at = UNSET
        else:
            if type(_value) is str:
                try:
                    completed_at = _datetime.fromisoformat(_value)
                    if completed_at.tzinfo is None:
                        completed_at = completed_at.replace(tzinfo=_UTC)
                except ValueError:
                    completed_at = _value
            elif _value is None:
                completed_at = _value
            else:
                _found.append(
                    (
                        (_here, "completed_at", "completed_at"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                completed_at = UNSET
                _d["completed_at"] = _value

        _value = _pop("data_source_id", UNSET)
        if _value is UNSET:
            data_source_id = UNSET
        else:
            if (
                type(_value) is int
                or (type(_value) is float and integral(_value, _found))
            ) or type(_value) is str:
                data_source_id = _value
            else:
                _found.append(
                    (
                        (_here, "data_source_id", "data_source_id"),
                        "integer or string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                data_source_id = UNSET
                _d["data_source_id"] = _value

        _value = _pop("data_source_token", UNSET)
        if _value is UNSET:
            data_source_token = UNSET
        else:
            if type(_value) is str:
                data_source_token = _value
            else:
                _found.append(
                    (
                        (_here, "data_source_token", "data_source_token"),
                        "string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                data_source_token = UNSET
                _d["data_source_token"] = _value

        _value = _pop("limit", UNSET)
        if _value is UNSET:
            limit = UNSET
        else:
            if (
                type(_value) is bool
                or (
                    type(_value) is int
                    or (type(_value) is float and integral(_value, _found))
                )
                or type(_value) is str
            ):
                limit = _value
            else:
                _found.append(
                    (
                        (_here, "limit", "limit"),
                        "boolean or integer or string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                limit = UNSET
                _d["limit"] = _value

        _value = _pop("max_result_bytes", UNSET)
        if _value is UNSET:
            max_result_bytes = UNSET
        else:
            if (
                type(_value) is int
                or (type(_value) is float and integral(_value, _found))
            ) or type(_value) is str:
                max_result_bytes = _value
            else:
                _found.append(
                    (
                        (_here, "max_result_bytes", "max_result_bytes"),
                        "integer or string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                max_result_bytes = UNSET
                _d["max_result_bytes"] = _value

        _value = _pop("query_token", UNSET)
        if _value is UNSET:
            query_token = UNSET
        else:
            if type(_value) is str:
                query_token = _value
            else:
                _found.append(
                    (
                        (_here, "query_token", "query_token"),
                        "string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                query_token = UNSET
                _d["query_token"] = _value

        _value = _pop("query_name", UNSET)
        if _value is UNSET:
            query_name = UNSET
        else:
            if type(_value) is str:
                query_name = _value
            else:
                _found.append(
                    (
                        (_here, "query_name", "query_name"),
                        "string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                query_name = UNSET
                _d["query_name"] = _value

        _value = _pop("query_created_at", UNSET)
        _sent_query_created_at = _value
        if _value is UNSET:
            query_created_at = UNSET
        else:
            if type(_value) is str:
                try:
                    query_created_at = _datetime.fromisoformat(_value)
                    if query_created_at.tzinfo is None:
                        query_created_at = query_created_at.replace(tzinfo=_UTC)
                except ValueError:
                    query_created_at = _value
            else:
                _found.append(
                    (
                        (_here, "query_created_at", "query_created_at"),
                        "string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                query_created_at = UNSET
                _d["query_created_at"] = _value

        _value = _pop("parameters", UNSET)
        if _value is UNSET:
            parameters = UNSET
        else:
            if type(_value) is dict:
                parameters = _read_QueryRunParametersType0(
                    _value, _found, _here, "parameters", "parameters", _own
                )
            elif type(_value) is str:
                parameters = _value
            else:
                _found.append(
                    (
                        (_here, "parameters", "parameters"),
                        "object or string",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                parameters = UNSET
                _d["parameters"] = _value

        _value = _pop("raw_source", UNSET)
        if _value is UNSET:
            raw_source = UNSET
        else:
            if type(_value) is str or _value is None:
                raw_source = _value
            else:
                _found.append(
                    (
                        (_here, "raw_source", "raw_source"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                raw_source = UNSET
                _d["raw_source"] = _value

        _value = _pop("rendered_source", UNSET)
        if _value is UNSET:
            rendered_source = UNSET
        else:
            if type(_value) is str or _value is None:
                rendered_source = _value
            else:
                _found.append(
                    (
                        (_here, "rendered_source", "rendered_source"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                rendered_source = UNSET
                _d["rendered_source"] = _value

        _value = _pop("statement_annotation", UNSET)
        if _value is UNSET:
            statement_annotation = UNSET
        else:
            if type(_value) is str or _value is None:
                statement_annotation = _value
            else:
                _found.append(
                    (
                        (_here, "statement_annotation", "statement_annotation"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                statement_annotation = UNSET
                _d["statement_annotation"] = _value

        _value = _pop("dbt_metric_id", UNSET)
        if _value is UNSET:
            dbt_metric_id = UNSET
        else:
            if (
                (
                    type(_value) is int
                    or (type(_value) is float and integral(_value, _found))
                )
                or type(_value) is str
                or _value is None
            ):
                dbt_metric_id = _value
            else:
                _found.append(
                    (
                        (_here, "dbt_metric_id", "dbt_metric_id"),
                        "integer or string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                dbt_metric_id = UNSET
                _d["dbt_metric_id"] = _value

        _value = _pop("dbt_metric_token", UNSET)
        if _value is UNSET:
            dbt_metric_token = UNSET
        else:
            if type(_value) is str or _value is None:
                dbt_metric_token = _value
            else:
                _found.append(
                    (
                        (_here, "dbt_metric_token", "dbt_metric_token"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                dbt_metric_token = UNSET
                _d["dbt_metric_token"] = _value

        _value = _pop("help_url", UNSET)
        if _value is UNSET:
            help_url = UNSET
        else:
            if type(_value) is str or _value is None:
                help_url = _value
            else:
                _found.append(
                    (
                        (_here, "help_url", "help_url"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                help_url = UNSET
                _d["help_url"] = _value

        _value = _pop("error_code", UNSET)
        if _value is UNSET:
            error_code = UNSET
        else:
            if type(_value) is str or _value is None:
                error_code = _value
            else:
                _found.append(
                    (
                        (_here, "error_code", "error_code"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                error_code = UNSET
                _d["error_code"] = _value

        _value = _pop("error_type", UNSET)
        if _value is UNSET:
            error_type = UNSET
        else:
            if type(_value) is str or _value is None:
                error_type = _value
            else:
                _found.append(
                    (
                        (_here, "error_type", "error_type"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                error_type = UNSET
                _d["error_type"] = _value

        _value = _pop("error_message", UNSET)
        if _value is UNSET:
            error_message = UNSET
        else:
            if type(_value) is str or _value is None:
                error_message = _value
            else:
                _found.append(
                    (
                        (_here, "error_message", "error_message"),
                        "string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                error_message = UNSET
                _d["error_message"] = _value

        _value = _pop("_embedded", UNSET)
        if _value is UNSET:
            field_embedded = UNSET
        else:
            if type(_value) is dict:
                field_embedded = _read_QueryRunEmbeddedType0(
                    _value, _found, _here, "_embedded", "_embedded", _own
                )
            elif _value is None:
                field_embedded = _value
            else:
                _found.append(
                    (
                        (_here, "_embedded", "_embedded"),
                        "object or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                field_embedded = UNSET
                _d["_embedded"] = _value

        # Built without __init__ (no default or factory to evaluate): every slot is set here.
        _model = _new(cls)
        _model.id = id
        _model.token = token
        _model.state = state
        _model.created_at = created_at
        _model.field_links = field_links
        _model.completed_at = completed_at
        _model.data_source_id = data_source_id
        _model.data_source_token = data_source_token
        _model.limit = limit
        _model.max_result_bytes = max_result_bytes
        _model.query_token = query_token
        _model.query_name = query_name
        _model.query_created_at = query_created_at
        _model.parameters = parameters
        _model.raw_source = raw_source
        _model.rendered_source = rendered_source
        _model.statement_annotation = statement_annotation
        _model.dbt_metric_id = dbt_metric_id
        _model.dbt_metric_token = dbt_metric_token
        _model.help_url = help_url
        _model.error_code = error_code
        _model.error_type = error_type
        _model.error_message = error_message
        _model.field_embedded = field_embedded
        _model._deviations = ()
        _model._sent = (
            _sent_created_at,
            _sent_completed_at,
            _sent_query_created_at,
        )
        if _d:
            scan(_d, _found)
        _model.additional_properties = _d
        return _model

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
