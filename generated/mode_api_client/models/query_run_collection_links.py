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
    from ..models.link import Link


if TYPE_CHECKING:
    from ..models.query_run_collection import QueryRunCollection


T = TypeVar("T", bound="QueryRunCollectionLinks")
_new = object.__new__


@_attrs_define
class QueryRunCollectionLinks:
    """`self`, and `next_page` / `prev_page` when there is more than one page; no `next_page` means the last page.

    Read tolerantly (``from_dict``, ``from_json``): a value whose JSON type the spec does not
    expect leaves its attribute ``UNSET`` and is kept in ``additional_properties`` under its
    JSON key, as is a key the spec does not name; a missing required property leaves its
    attribute ``UNSET``. ``types.deviations_of(model)`` lists what strayed; ``to_dict()``
    writes back the body that was read.

    Attributes:
        self_ (Link | list[Link]): The value of one HAL relation: a Link object, or an array of Link objects for a
            relation with several targets (draft-kelly-json-hal, section 4.1.1).
        next_page (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects
            for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
        prev_page (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects
            for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
    """

    self_: Link[QueryRunCollection] | list[Link[QueryRunCollection]]
    next_page: Link[QueryRunCollection] | list[Link[QueryRunCollection]] | Unset = UNSET
    prev_page: Link[QueryRunCollection] | list[Link[QueryRunCollection]] | Unset = UNSET
    additional_properties: dict[str, Link | list[Link]] = _attrs_field(
        init=False, factory=dict
    )
    _deviations: tuple[Deviation, ...] = _attrs_field(
        init=False, default=(), eq=False, repr=False
    )
    attribute_names: ClassVar[Mapping[str, str]] = {
        "self": "self_",
        "next_page": "next_page",
        "prev_page": "prev_page",
    }
    """The attribute that holds each JSON key the spec names (``"_links"``: ``"field_links"``)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this model: the body it was read from (timestamps as sent,
        values that strayed from the spec as sent, unknown keys kept)."""
        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = wire_value(prop)
        if not isinstance(self.self_, Unset):
            field_dict["self"] = wire_value(self.self_)
        if not isinstance(self.next_page, Unset):
            field_dict["next_page"] = wire_value(self.next_page)
        if not isinstance(self.prev_page, Unset):
            field_dict["prev_page"] = wire_value(self.prev_page)
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
        _read_Link = _models.Link._read
        _d = src_dict if _own and type(src_dict) is dict else dict(src_dict)
        _value = _d.pop("self", UNSET)
        if type(_value) is dict:
            self_ = _read_Link(_value, _found, _here, "self", "self", _own)
        elif type(_value) is list:
            self__items: list[Any] = []
            _kept_1 = True
            _list_1 = (_here, "self", "self")
            for _index_1, _item_1 in enumerate(_value):
                if type(_item_1) is dict:
                    _read_1 = _read_Link(_item_1, _found, _list_1, _index_1, "[]", _own)
                else:
                    _found.append(
                        (
                            (_list_1, _index_1, "[]"),
                            "object",
                            json_type(_item_1),
                            "type",
                        )
                    )
                    scan(_item_1, _found)
                    _read_1 = UNSET
                    _kept_1 = False

                self__items.append(_read_1)
            if _kept_1:
                self_ = self__items
            else:
                self_ = UNSET
                _found.append(REREAD)
                _d["self"] = _value
        elif _value is UNSET:
            self_ = UNSET
            _found.append(((_here, "self", "self"), "present", "missing", "required"))
        else:
            _found.append(
                ((_here, "self", "self"), "object or array", json_type(_value), "type")
            )
            scan(_value, _found)
            self_ = UNSET
            _d["self"] = _value

        _value = _d.pop("next_page", UNSET)
        if _value is UNSET:
            next_page = UNSET
        else:
            if type(_value) is dict:
                next_page = _read_Link(
                    _value, _found, _here, "next_page", "next_page", _own
                )
            elif type(_value) is list:
                next_page_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "next_page", "next_page")
                for _index_1, _item_1 in enumerate(_value):
                    if type(_item_1) is dict:
                        _read_1 = _read_Link(
                            _item_1, _found, _list_1, _index_1, "[]", _own
                        )
                    else:
                        _found.append(
                            (
                                (_list_1, _index_1, "[]"),
                                "object",
                                json_type(_item_1),
                                "type",
                            )
                        )
                        scan(_item_1, _found)
                        _read_1 = UNSET
                        _kept_1 = False

                    next_page_items.append(_read_1)
                if _kept_1:
                    next_page = next_page_items
                else:
                    next_page = UNSET
                    _found.append(REREAD)
                    _d["next_page"] = _value
            else:
                _found.append(
                    (
                        (_here, "next_page", "next_page"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                next_page = UNSET
                _d["next_page"] = _value

        _value = _d.pop("prev_page", UNSET)
        if _value is UNSET:
            prev_page = UNSET
        else:
            if type(_value) is dict:
                prev_page = _read_Link(
                    _value, _found, _here, "prev_page", "prev_page", _own
                )
            elif type(_value) is list:
                prev_page_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "prev_page", "prev_page")
                for _index_1, _item_1 in enumerate(_value):
                    if type(_item_1) is dict:
                        _read_1 = _read_Link(
                            _item_1, _found, _list_1, _index_1, "[]", _own
                        )
                    else:
                        _found.append(
                            (
                                (_list_1, _index_1, "[]"),
                                "object",
                                json_type(_item_1),
                                "type",
                            )
                        )
                        scan(_item_1, _found)
                        _read_1 = UNSET
                        _kept_1 = False

                    prev_page_items.append(_read_1)
                if _kept_1:
                    prev_page = prev_page_items
                else:
                    prev_page = UNSET
                    _found.append(REREAD)
                    _d["prev_page"] = _value
            else:
                _found.append(
                    (
                        (_here, "prev_page", "prev_page"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                prev_page = UNSET
                _d["prev_page"] = _value

        # Built without __init__ (no default or factory to evaluate): every slot is set here.
        _model = _new(cls)
        _model.self_ = self_
        _model.next_page = next_page
        _model.prev_page = prev_page
        _model._deviations = ()
        for _key, _value in _d.items():
            if _key in cls.attribute_names:
                continue  # a value of a named property that strayed, kept as sent
            if type(_value) is dict:
                _read = _read_Link(_value, _found, _here, _key, "*", _own)
            elif type(_value) is list:
                _read_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, _key, "*")
                for _index_1, _item_1 in enumerate(_value):
                    if type(_item_1) is dict:
                        _read_1 = _read_Link(
                            _item_1, _found, _list_1, _index_1, "[]", _own
                        )
                    else:
                        _found.append(
                            (
                                (_list_1, _index_1, "[]"),
                                "object",
                                json_type(_item_1),
                                "type",
                            )
                        )
                        scan(_item_1, _found)
                        _read_1 = UNSET
                        _kept_1 = False

                    _read_items.append(_read_1)
                if _kept_1:
                    _read = _read_items
                else:
                    _read = UNSET
                    _found.append(REREAD)

            else:
                _found.append(
                    ((_here, _key, "*"), "object or array", json_type(_value), "type")
                )
                scan(_value, _found)
                _read = UNSET

            _d[_key] = _value if _read is UNSET else _read
        _model.additional_properties = _d
        return _model

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Link | list[Link]:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Link | list[Link]) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
