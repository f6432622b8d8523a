from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    ClassVar,
    Self,
    TypeVar,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

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
)

T = TypeVar("T", bound="Pagination")
_new = object.__new__


@_attrs_define
class Pagination:
    """Paging figures. Two shapes are published; every field is optional and may be `null`. Follow `next_page` rather than
    computing pages from these.

        Read tolerantly (``from_dict``, ``from_json``): a value whose JSON type the spec does not
        expect leaves its attribute ``UNSET`` and is kept in ``additional_properties`` under its
        JSON key, as is a key the spec does not name; a missing required property leaves its
        attribute ``UNSET``. ``types.deviations_of(model)`` lists what strayed; ``to_dict()``
        writes back the body that was read.

        Attributes:
            page (int | None | Unset):
            per_page (int | None | Unset):
            count (int | None | Unset):
            total_pages (int | None | Unset):
            total_count (int | None | Unset):
            first_page (int | None | str | Unset): An integer, or a string in Mode's Swagger file.
            last_page (int | None | str | Unset): An integer, or a string in Mode's Swagger file.
    """

    page: int | None | Unset = UNSET
    per_page: int | None | Unset = UNSET
    count: int | None | Unset = UNSET
    total_pages: int | None | Unset = UNSET
    total_count: int | None | Unset = UNSET
    first_page: int | None | str | Unset = UNSET
    last_page: int | None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _deviations: tuple[Deviation, ...] = _attrs_field(
        init=False, default=(), eq=False, repr=False
    )
    attribute_names: ClassVar[Mapping[str, str]] = {
        "page": "page",
        "per_page": "per_page",
        "count": "count",
        "total_pages": "total_pages",
        "total_count": "total_count",
        "first_page": "first_page",
        "last_page": "last_page",
    }
    """The attribute that holds each JSON key the spec names (``"_links"``: ``"field_links"``)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this model: the body it was read from (timestamps as sent,
        values that strayed from the spec as sent, unknown keys kept)."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if not isinstance(self.page, Unset):
            field_dict["page"] = self.page
        if not isinstance(self.per_page, Unset):
            field_dict["per_page"] = self.per_page
        if not isinstance(self.count, Unset):
            field_dict["count"] = self.count
        if not isinstance(self.total_pages, Unset):
            field_dict["total_pages"] = self.total_pages
        if not isinstance(self.total_count, Unset):
            field_dict["total_count"] = self.total_count
        if not isinstance(self.first_page, Unset):
            field_dict["first_page"] = self.first_page
        if not isinstance(self.last_page, Unset):
            field_dict["last_page"] = self.last_page
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
        _d = src_dict if _own and type(src_dict) is dict else dict(src_dict)
        _pop = _d.pop
        _value = _pop("page", UNSET)
        if _value is UNSET:
            page = UNSET
        else:
            if (
                type(_value) is int
                or (type(_value) is float and integral(_value, _found))
            ) or _value is None:
                page = _value
            else:
                _found.append(
                    (
                        (
                            ((_at, _step, _rule) if _step is not None else None),
                            "page",
                            "page",
                        ),
                        "integer or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                page = UNSET
                _d["page"] = _value

        _value = _pop("per_page", UNSET)
        if _value is UNSET:
            per_page = UNSET
        else:
            if (
                type(_value) is int
                or (type(_value) is float and integral(_value, _found))
            ) or _value is None:
                per_page = _value
            else:
                _found.append(
                    (
                        (
                            ((_at, _step, _rule) if _step is not None else None),
                            "per_page",
                            "per_page",
                        ),
                        "integer or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                per_page = UNSET
                _d["per_page"] = _value

        _value = _pop("count", UNSET)
        if _value is UNSET:
            count = UNSET
        else:
            if (
                type(_value) is int
                or (type(_value) is float and integral(_value, _found))
            ) or _value is None:
                count = _value
            else:
                _found.append(
                    (
                        (
                            ((_at, _step, _rule) if _step is not None else None),
                            "count",
                            "count",
                        ),
                        "integer or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                count = UNSET
                _d["count"] = _value

        _value = _pop("total_pages", UNSET)
        if _value is UNSET:
            total_pages = UNSET
        else:
            if (
                type(_value) is int
                or (type(_value) is float and integral(_value, _found))
            ) or _value is None:
                total_pages = _value
            else:
                _found.append(
                    (
                        (
                            ((_at, _step, _rule) if _step is not None else None),
                            "total_pages",
                            "total_pages",
                        ),
                        "integer or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                total_pages = UNSET
                _d["total_pages"] = _value

        _value = _pop("total_count", UNSET)
        if _value is UNSET:
            total_count = UNSET
        else:
            if (
                type(_value) is int
                or (type(_value) is float and integral(_value, _found))
            ) or _value is None:
                total_count = _value
            else:
                _found.append(
                    (
                        (
                            ((_at, _step, _rule) if _step is not None else None),
                            "total_count",
                            "total_count",
                        ),
                        "integer or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                total_count = UNSET
                _d["total_count"] = _value

        _value = _pop("first_page", UNSET)
        if _value is UNSET:
            first_page = UNSET
        else:
            if (
                (
                    type(_value) is int
                    or (type(_value) is float and integral(_value, _found))
                )
                or type(_value) is str
                or _value is None
            ):
                first_page = _value
            else:
                _found.append(
                    (
                        (
                            ((_at, _step, _rule) if _step is not None else None),
                            "first_page",
                            "first_page",
                        ),
                        "integer or string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                first_page = UNSET
                _d["first_page"] = _value

        _value = _pop("last_page", UNSET)
        if _value is UNSET:
            last_page = UNSET
        else:
            if (
                (
                    type(_value) is int
                    or (type(_value) is float and integral(_value, _found))
                )
                or type(_value) is str
                or _value is None
            ):
                last_page = _value
            else:
                _found.append(
                    (
                        (
                            ((_at, _step, _rule) if _step is not None else None),
                            "last_page",
                            "last_page",
                        ),
                        "integer or string or null",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                last_page = UNSET
                _d["last_page"] = _value

        # Built without __init__ (no default or factory to evaluate): every slot is set here.
        _model = _new(cls)
        _model.page = page
        _model.per_page = per_page
        _model.count = count
        _model.total_pages = total_pages
        _model.total_count = total_count
        _model.first_page = first_page
        _model.last_page = last_page
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
