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
    from ..models.query_run import QueryRun


T = TypeVar("T", bound="QueryRunLinks")
_new = object.__new__


@_attrs_define
class QueryRunLinks:
    """The Query Run's relations. `self` is always present; relations Mode adds beyond the nine documented ones are kept.
    Each relation is a Link or an array of Links.

        Read tolerantly (``from_dict``, ``from_json``): a value whose JSON type the spec does not
        expect leaves its attribute ``UNSET`` and is kept in ``additional_properties`` under its
        JSON key, as is a key the spec does not name; a missing required property leaves its
        attribute ``UNSET``. ``types.deviations_of(model)`` lists what strayed; ``to_dict()``
        writes back the body that was read.

        Attributes:
            self_ (Link | list[Link]): The value of one HAL relation: a Link object, or an array of Link objects for a
                relation with several targets (draft-kelly-json-hal, section 4.1.1).
            query (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects for
                a relation with several targets (draft-kelly-json-hal, section 4.1.1).
            view (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects for
                a relation with several targets (draft-kelly-json-hal, section 4.1.1).
            result (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects
                for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
            result_web (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link
                objects for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
            query_web (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects
                for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
            report_run (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link
                objects for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
            report_run_web (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link
                objects for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
            executed_by (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link
                objects for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
    """

    self_: Link[QueryRun] | list[Link[QueryRun]]
    query: Link | list[Link] | Unset = UNSET
    view: Link | list[Link] | Unset = UNSET
    result: Link | list[Link] | Unset = UNSET
    result_web: Link | list[Link] | Unset = UNSET
    query_web: Link | list[Link] | Unset = UNSET
    report_run: Link | list[Link] | Unset = UNSET
    report_run_web: Link | list[Link] | Unset = UNSET
    executed_by: Link | list[Link] | Unset = UNSET
    additional_properties: dict[str, Link | list[Link]] = _attrs_field(
        init=False, factory=dict
    )
    _deviations: tuple[Deviation, ...] = _attrs_field(
        init=False, default=(), eq=False, repr=False
    )
    attribute_names: ClassVar[Mapping[str, str]] = {
        "self": "self_",
        "query": "query",
        "view": "view",
        "result": "result",
        "result_web": "result_web",
        "query_web": "query_web",
        "report_run": "report_run",
        "report_run_web": "report_run_web",
        "executed_by": "executed_by",
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
        if not isinstance(self.query, Unset):
            field_dict["query"] = wire_value(self.query)
        if not isinstance(self.view, Unset):
            field_dict["view"] = wire_value(self.view)
        if not isinstance(self.result, Unset):
            field_dict["result"] = wire_value(self.result)
        if not isinstance(self.result_web, Unset):
            field_dict["result_web"] = wire_value(self.result_web)
        if not isinstance(self.query_web, Unset):
            field_dict["query_web"] = wire_value(self.query_web)
        if not isinstance(self.report_run, Unset):
            field_dict["report_run"] = wire_value(self.report_run)
        if not isinstance(self.report_run_web, Unset):
            field_dict["report_run_web"] = wire_value(self.report_run_web)
        if not isinstance(self.executed_by, Unset):
            field_dict["executed_by"] = wire_value(self.executed_by)
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
        _pop = _d.pop
        _value = _pop("self", UNSET)
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

        _value = _pop("query", UNSET)
        if _value is UNSET:
            query = UNSET
        else:
            if type(_value) is dict:
                query = _read_Link(_value, _found, _here, "query", "query", _own)
            elif type(_value) is list:
                query_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "query", "query")
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

                    query_items.append(_read_1)
                if _kept_1:
                    query = query_items
                else:
                    query = UNSET
                    _found.append(REREAD)
                    _d["query"] = _value
            else:
                _found.append(
                    (
                        (_here, "query", "query"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                query = UNSET
                _d["query"] = _value

        _value = _pop("view", UNSET)
        if _value is UNSET:
            view = UNSET
        else:
            if type(_value) is dict:
                view = _read_Link(_value, _found, _here, "view", "view", _own)
            elif type(_value) is list:
                view_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "view", "view")
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

                    view_items.append(_read_1)
                if _kept_1:
                    view = view_items
                else:
                    view = UNSET
                    _found.append(REREAD)
                    _d["view"] = _value
            else:
                _found.append(
                    (
                        (_here, "view", "view"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                view = UNSET
                _d["view"] = _value

        _value = _pop("result", UNSET)
        if _value is UNSET:
            result = UNSET
        else:
            if type(_value) is dict:
                result = _read_Link(_value, _found, _here, "result", "result", _own)
            elif type(_value) is list:
                result_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "result", "result")
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

                    result_items.append(_read_1)
                if _kept_1:
                    result = result_items
                else:
                    result = UNSET
                    _found.append(REREAD)
                    _d["result"] = _value
            else:
                _found.append(
                    (
                        (_here, "result", "result"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                result = UNSET
                _d["result"] = _value

        _value = _pop("result_web", UNSET)
        if _value is UNSET:
            result_web = UNSET
        else:
            if type(_value) is dict:
                result_web = _read_Link(
                    _value, _found, _here, "result_web", "result_web", _own
                )
            elif type(_value) is list:
                result_web_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "result_web", "result_web")
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

                    result_web_items.append(_read_1)
                if _kept_1:
                    result_web = result_web_items
                else:
                    result_web = UNSET
                    _found.append(REREAD)
                    _d["result_web"] = _value
            else:
                _found.append(
                    (
                        (_here, "result_web", "result_web"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                result_web = UNSET
                _d["result_web"] = _value

        _value = _pop("query_web", UNSET)
        if _value is UNSET:
            query_web = UNSET
        else:
            if type(_value) is dict:
                query_web = _read_Link(
                    _value, _found, _here, "query_web", "query_web", _own
                )
            elif type(_value) is list:
                query_web_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "query_web", "query_web")
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

                    query_web_items.append(_read_1)
                if _kept_1:
                    query_web = query_web_items
                else:
                    query_web = UNSET
                    _found.append(REREAD)
                    _d["query_web"] = _value
            else:
                _found.append(
                    (
                        (_here, "query_web", "query_web"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                query_web = UNSET
                _d["query_web"] = _value

        _value = _pop("report_run", UNSET)
        if _value is UNSET:
            report_run = UNSET
        else:
            if type(_value) is dict:
                report_run = _read_Link(
                    _value, _found, _here, "report_run", "report_run", _own
                )
            elif type(_value) is list:
                report_run_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "report_run", "report_run")
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

                    report_run_items.append(_read_1)
                if _kept_1:
                    report_run = report_run_items
                else:
                    report_run = UNSET
                    _found.append(REREAD)
                    _d["report_run"] = _value
            else:
                _found.append(
                    (
                        (_here, "report_run", "report_run"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                report_run = UNSET
                _d["report_run"] = _value

        _value = _pop("report_run_web", UNSET)
        if _value is UNSET:
            report_run_web = UNSET
        else:
            if type(_value) is dict:
                report_run_web = _read_Link(
                    _value, _found, _here, "report_run_web", "report_run_web", _own
                )
            elif type(_value) is list:
                report_run_web_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "report_run_web", "report_run_web")
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

                    report_run_web_items.append(_read_1)
                if _kept_1:
                    report_run_web = report_run_web_items
                else:
                    report_run_web = UNSET
                    _found.append(REREAD)
                    _d["report_run_web"] = _value
            else:
                _found.append(
                    (
                        (_here, "report_run_web", "report_run_web"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                report_run_web = UNSET
                _d["report_run_web"] = _value

        _value = _pop("executed_by", UNSET)
        if _value is UNSET:
            executed_by = UNSET
        else:
            if type(_value) is dict:
                executed_by = _read_Link(
                    _value, _found, _here, "executed_by", "executed_by", _own
                )
            elif type(_value) is list:
                executed_by_items: list[Any] = []
                _kept_1 = True
                _list_1 = (_here, "executed_by", "executed_by")
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

                    executed_by_items.append(_read_1)
                if _kept_1:
                    executed_by = executed_by_items
                else:
                    executed_by = UNSET
                    _found.append(REREAD)
                    _d["executed_by"] = _value
            else:
                _found.append(
                    (
                        (_here, "executed_by", "executed_by"),
                        "object or array",
                        json_type(_value),
                        "type",
                    )
                )
                scan(_value, _found)
                executed_by = UNSET
                _d["executed_by"] = _value

        # Built without __init__ (no default or factory to evaluate): every slot is set here.
        _model = _new(cls)
        _model.self_ = self_
        _model.query = query
        _model.view = view
        _model.result = result
        _model.result_web = result_web
        _model.query_web = query_web
        _model.report_run = report_run
        _model.report_run_web = report_run_web
        _model.executed_by = executed_by
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
