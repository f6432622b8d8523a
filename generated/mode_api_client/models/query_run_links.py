from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.link import Link


T = TypeVar("T", bound="QueryRunLinks")


@_attrs_define
class QueryRunLinks:
    """The Query Run's relations. `self` is always present; relations Mode adds beyond the nine documented ones are kept.
    Each relation is a Link or an array of Links.

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

    self_: Link | list[Link]
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

    def to_dict(self) -> dict[str, Any]:
        from ..models.link import Link

        self_: dict[str, Any] | list[dict[str, Any]]
        if isinstance(self.self_, Link):
            self_ = self.self_.to_dict()
        else:
            self_ = []
            for componentsschemas_relation_type_1_item_data in self.self_:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                self_.append(componentsschemas_relation_type_1_item)

        query: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.query, Unset):
            query = UNSET
        elif isinstance(self.query, Link):
            query = self.query.to_dict()
        else:
            query = []
            for componentsschemas_relation_type_1_item_data in self.query:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                query.append(componentsschemas_relation_type_1_item)

        view: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.view, Unset):
            view = UNSET
        elif isinstance(self.view, Link):
            view = self.view.to_dict()
        else:
            view = []
            for componentsschemas_relation_type_1_item_data in self.view:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                view.append(componentsschemas_relation_type_1_item)

        result: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, Link):
            result = self.result.to_dict()
        else:
            result = []
            for componentsschemas_relation_type_1_item_data in self.result:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                result.append(componentsschemas_relation_type_1_item)

        result_web: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.result_web, Unset):
            result_web = UNSET
        elif isinstance(self.result_web, Link):
            result_web = self.result_web.to_dict()
        else:
            result_web = []
            for componentsschemas_relation_type_1_item_data in self.result_web:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                result_web.append(componentsschemas_relation_type_1_item)

        query_web: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.query_web, Unset):
            query_web = UNSET
        elif isinstance(self.query_web, Link):
            query_web = self.query_web.to_dict()
        else:
            query_web = []
            for componentsschemas_relation_type_1_item_data in self.query_web:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                query_web.append(componentsschemas_relation_type_1_item)

        report_run: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.report_run, Unset):
            report_run = UNSET
        elif isinstance(self.report_run, Link):
            report_run = self.report_run.to_dict()
        else:
            report_run = []
            for componentsschemas_relation_type_1_item_data in self.report_run:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                report_run.append(componentsschemas_relation_type_1_item)

        report_run_web: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.report_run_web, Unset):
            report_run_web = UNSET
        elif isinstance(self.report_run_web, Link):
            report_run_web = self.report_run_web.to_dict()
        else:
            report_run_web = []
            for componentsschemas_relation_type_1_item_data in self.report_run_web:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                report_run_web.append(componentsschemas_relation_type_1_item)

        executed_by: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.executed_by, Unset):
            executed_by = UNSET
        elif isinstance(self.executed_by, Link):
            executed_by = self.executed_by.to_dict()
        else:
            executed_by = []
            for componentsschemas_relation_type_1_item_data in self.executed_by:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                executed_by.append(componentsschemas_relation_type_1_item)

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, Link):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = []
                for componentsschemas_relation_type_1_item_data in prop:
                    componentsschemas_relation_type_1_item = (
                        componentsschemas_relation_type_1_item_data.to_dict()
                    )
                    field_dict[prop_name].append(componentsschemas_relation_type_1_item)

        field_dict.update(
            {
                "self": self_,
            }
        )
        if query is not UNSET:
            field_dict["query"] = query
        if view is not UNSET:
            field_dict["view"] = view
        if result is not UNSET:
            field_dict["result"] = result
        if result_web is not UNSET:
            field_dict["result_web"] = result_web
        if query_web is not UNSET:
            field_dict["query_web"] = query_web
        if report_run is not UNSET:
            field_dict["report_run"] = report_run
        if report_run_web is not UNSET:
            field_dict["report_run_web"] = report_run_web
        if executed_by is not UNSET:
            field_dict["executed_by"] = executed_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.link import Link

        d = dict(src_dict)

        def _parse_self_(data: object) -> Link | list[Link]:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        self_ = _parse_self_(d.pop("self"))

        def _parse_query(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        query = _parse_query(d.pop("query", UNSET))

        def _parse_view(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        view = _parse_view(d.pop("view", UNSET))

        def _parse_result(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        result = _parse_result(d.pop("result", UNSET))

        def _parse_result_web(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        result_web = _parse_result_web(d.pop("result_web", UNSET))

        def _parse_query_web(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        query_web = _parse_query_web(d.pop("query_web", UNSET))

        def _parse_report_run(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        report_run = _parse_report_run(d.pop("report_run", UNSET))

        def _parse_report_run_web(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        report_run_web = _parse_report_run_web(d.pop("report_run_web", UNSET))

        def _parse_executed_by(data: object) -> Link | list[Link] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_relation_type_0 = Link.from_dict(data)

                return componentsschemas_relation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_relation_type_1 = []
            _componentsschemas_relation_type_1 = data
            for (
                componentsschemas_relation_type_1_item_data
            ) in _componentsschemas_relation_type_1:
                componentsschemas_relation_type_1_item = Link.from_dict(
                    componentsschemas_relation_type_1_item_data
                )

                componentsschemas_relation_type_1.append(
                    componentsschemas_relation_type_1_item
                )

            return componentsschemas_relation_type_1

        executed_by = _parse_executed_by(d.pop("executed_by", UNSET))

        query_run_links = cls(
            self_=self_,
            query=query,
            view=view,
            result=result,
            result_web=result_web,
            query_web=query_web,
            report_run=report_run,
            report_run_web=report_run_web,
            executed_by=executed_by,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> Link | list[Link]:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_relation_type_0 = Link.from_dict(data)

                    return componentsschemas_relation_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, list):
                    raise TypeError()
                componentsschemas_relation_type_1 = []
                _componentsschemas_relation_type_1 = data
                for (
                    componentsschemas_relation_type_1_item_data
                ) in _componentsschemas_relation_type_1:
                    componentsschemas_relation_type_1_item = Link.from_dict(
                        componentsschemas_relation_type_1_item_data
                    )

                    componentsschemas_relation_type_1.append(
                        componentsschemas_relation_type_1_item
                    )

                return componentsschemas_relation_type_1

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        query_run_links.additional_properties = additional_properties
        return query_run_links

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
