from __future__ import annotations

from collections.abc import Mapping
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
    json_type,
    scan,
    wire_value,
)

if TYPE_CHECKING:
    from ..models.pagination import Pagination
    from ..models.query_run_collection_embedded import QueryRunCollectionEmbedded
    from ..models.query_run_collection_links import QueryRunCollectionLinks


T = TypeVar("T", bound="QueryRunCollection")
_new = object.__new__


@_attrs_define
class QueryRunCollection:
    """One page of a Report Run's Query Runs. An absent or `null` `_embedded` is a page without Query Runs.

    Read tolerantly (``from_dict``, ``from_json``): a value whose JSON type the spec does not
    expect leaves its attribute ``UNSET`` and is kept in ``additional_properties`` under its
    JSON key, as is a key the spec does not name; a missing required property leaves its
    attribute ``UNSET``. ``types.deviations_of(model)`` lists what strayed; ``to_dict()``
    writes back the body that was read.

    Attributes:
        field_links (QueryRunCollectionLinks): `self`, and `next_page` / `prev_page` when there is more than one page;
            no `next_page` means the last page.
        pagination (Pagination | Unset): Paging figures. Two shapes are published; every field is optional and may be
            `null`. Follow `next_page` rather than computing pages from these.
        field_embedded (None | QueryRunCollectionEmbedded | Unset):
    """

    field_links: QueryRunCollectionLinks
    pagination: Pagination | Unset = UNSET
    field_embedded: None | QueryRunCollectionEmbedded | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _deviations: tuple[Deviation, ...] = _attrs_field(
        init=False, default=(), eq=False, repr=False
    )
    attribute_names: ClassVar[Mapping[str, str]] = {
        "_links": "field_links",
        "pagination": "pagination",
        "_embedded": "field_embedded",
    }
    """The attribute that holds each JSON key the spec names (``"_links"``: ``"field_links"``)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this model: the body it was read from (timestamps as sent,
        values that strayed from the spec as sent, unknown keys kept)."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if not isinstance(self.field_links, Unset):
            field_dict["_links"] = wire_value(self.field_links)
        if not isinstance(self.pagination, Unset):
            field_dict["pagination"] = wire_value(self.pagination)
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
        _read_QueryRunCollectionLinks = _models.QueryRunCollectionLinks._read
        _read_Pagination = _models.Pagination._read
        _read_QueryRunCollectionEmbedded = _models.QueryRunCollectionEmbedded._read
        _d = src_dict if _own and type(src_dict) is dict else dict(src_dict)
        _value = _d.pop("_links", UNSET)
        if type(_value) is dict:
            field_links = _read_QueryRunCollectionLinks(
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

        _value = _d.pop("pagination", UNSET)
        if _value is UNSET:
            pagination = UNSET
        else:
            if type(_value) is dict:
                pagination = _read_Pagination(
                    _value, _found, _here, "pagination", "pagination", _own
                )
            else:
                _found.append(
                    (
                        (_here, "pagination", "pagination"),
                        "object",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                pagination = UNSET
                _d["pagination"] = _value

        _value = _d.pop("_embedded", UNSET)
        if _value is UNSET:
            field_embedded = UNSET
        else:
            if type(_value) is dict:
                field_embedded = _read_QueryRunCollectionEmbedded(
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
        _model.field_links = field_links
        _model.pagination = pagination
        _model.field_embedded = field_embedded
        _model._deviations = ()
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
