from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import UnreadableBody
from ..types import (
    UNSET,
    Deviation,
    RawDeviation,
    Unset,
    decode_json,
    finish,
    json_type,
    prefix,
    wire_value,
)

if TYPE_CHECKING:
    from ..models.query_run import QueryRun


T = TypeVar("T", bound="QueryRunCollectionEmbedded")


@_attrs_define
class QueryRunCollectionEmbedded:
    """
    Read tolerantly (``from_dict``, ``from_json``): a value whose JSON type the spec does not
    expect leaves its attribute ``UNSET`` and is kept in ``additional_properties`` under its
    JSON key, as is a key the spec does not name; a missing required property leaves its
    attribute ``UNSET``. ``types.deviations_of(model)`` lists what strayed; ``to_dict()``
    writes back the body that was read.

    Attributes:
        query_runs (list[QueryRun]):
    """

    query_runs: list[QueryRun]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _deviations: tuple[Deviation, ...] = _attrs_field(
        init=False, default=(), eq=False, repr=False
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this model: the body it was read from (timestamps as sent,
        values that strayed from the spec as sent, unknown keys kept)."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if not isinstance(self.query_runs, Unset):
            field_dict["query_runs"] = wire_value(self.query_runs)
        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """The model of a decoded JSON object, read tolerantly (see the class docstring).

        Where the object strays from the spec is recorded on the model returned:
        ``types.deviations_of(model)``.
        """
        _found: list[RawDeviation] = []
        _model = cls._read(src_dict, _found)
        if _found:
            _model._deviations = finish(_found)
        return _model

    @classmethod
    def from_json(cls, content: bytes | str) -> Self:
        """The model of a JSON body (bytes as sent, or text), read as ``from_dict`` reads.

        Raises:
            UnreadableBody: the body is not JSON, or not a JSON object.
        """
        body = decode_json(content)
        if type(body) is not dict:
            raise UnreadableBody(f"the body is a JSON {json_type(body)}, not an object")
        return cls.from_dict(body)

    @classmethod
    def _read(cls, src_dict: Mapping[str, Any], _found: list[RawDeviation]) -> Self:
        from ..models.query_run import QueryRun

        _d = dict(src_dict)
        _value = _d.pop("query_runs", UNSET)
        if _value is UNSET:
            query_runs = UNSET
            _found.append(
                (("query_runs",), ("query_runs", "required"), "present", "missing")
            )
        else:
            _start = len(_found)
            if type(_value) is list:
                query_runs_items: list[Any] = []
                _kept_1 = True
                for _index_1, _item_1 in enumerate(_value):
                    _start_1 = len(_found)
                    if type(_item_1) is dict:
                        _read_1 = QueryRun._read(_item_1, _found)
                    else:
                        _found.append(((), ("type",), "object", json_type(_item_1)))
                        _read_1 = UNSET

                    if _read_1 is UNSET:
                        _kept_1 = False
                    if len(_found) > _start_1:
                        prefix(_found, _start_1, _index_1, "[]")
                    query_runs_items.append(_read_1)
                if _kept_1:
                    query_runs = query_runs_items
                else:
                    query_runs = UNSET
                    _d["query_runs"] = _value
            else:
                _found.append(((), ("type",), "array", json_type(_value)))
                query_runs = UNSET
                _d["query_runs"] = _value

            if len(_found) > _start:
                prefix(_found, _start, "query_runs", "query_runs")

        _model = cls(
            query_runs,
        )
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
