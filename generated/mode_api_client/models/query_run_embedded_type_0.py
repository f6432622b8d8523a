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
    Deviation,
    Place,
    RawDeviation,
    decode_fast,
    decode_json,
    finish,
    json_type,
    scan,
)

T = TypeVar("T", bound="QueryRunEmbeddedType0")
_new = object.__new__


@_attrs_define
class QueryRunEmbeddedType0:
    """Embedded resources (usually empty; `null` or absent for none).

    Read tolerantly (``from_dict``, ``from_json``): a value whose JSON type the spec does not
    expect leaves its attribute ``UNSET`` and is kept in ``additional_properties`` under its
    JSON key, as is a key the spec does not name; a missing required property leaves its
    attribute ``UNSET``. ``types.deviations_of(model)`` lists what strayed; ``to_dict()``
    writes back the body that was read.

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    _deviations: tuple[Deviation, ...] = _attrs_field(
        init=False, default=(), eq=False, repr=False
    )
    attribute_names: ClassVar[Mapping[str, str]] = {}
    """The attribute that holds each JSON key the spec names (``"_links"``: ``"field_links"``)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this model: the body it was read from (timestamps as sent,
        values that strayed from the spec as sent, unknown keys kept)."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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
        # Built without __init__ (no default or factory to evaluate): every slot is set here.
        _model = _new(cls)
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
