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
    """The Query Run's relations. `self` is always present; relations Mode adds beyond the nine documented ones are kept as
    Link objects.

        Attributes:
            self_ (Link): A HAL link to a related resource or action.
            query (Link | Unset): A HAL link to a related resource or action.
            view (Link | Unset): A HAL link to a related resource or action.
            result (Link | Unset): A HAL link to a related resource or action.
            result_web (Link | Unset): A HAL link to a related resource or action.
            query_web (Link | Unset): A HAL link to a related resource or action.
            report_run (Link | Unset): A HAL link to a related resource or action.
            report_run_web (Link | Unset): A HAL link to a related resource or action.
            executed_by (Link | Unset): A HAL link to a related resource or action.
    """

    self_: Link
    query: Link | Unset = UNSET
    view: Link | Unset = UNSET
    result: Link | Unset = UNSET
    result_web: Link | Unset = UNSET
    query_web: Link | Unset = UNSET
    report_run: Link | Unset = UNSET
    report_run_web: Link | Unset = UNSET
    executed_by: Link | Unset = UNSET
    additional_properties: dict[str, Link] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_.to_dict()

        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()

        view: dict[str, Any] | Unset = UNSET
        if not isinstance(self.view, Unset):
            view = self.view.to_dict()

        result: dict[str, Any] | Unset = UNSET
        if not isinstance(self.result, Unset):
            result = self.result.to_dict()

        result_web: dict[str, Any] | Unset = UNSET
        if not isinstance(self.result_web, Unset):
            result_web = self.result_web.to_dict()

        query_web: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query_web, Unset):
            query_web = self.query_web.to_dict()

        report_run: dict[str, Any] | Unset = UNSET
        if not isinstance(self.report_run, Unset):
            report_run = self.report_run.to_dict()

        report_run_web: dict[str, Any] | Unset = UNSET
        if not isinstance(self.report_run_web, Unset):
            report_run_web = self.report_run_web.to_dict()

        executed_by: dict[str, Any] | Unset = UNSET
        if not isinstance(self.executed_by, Unset):
            executed_by = self.executed_by.to_dict()

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

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
        self_ = Link.from_dict(d.pop("self"))

        _query = d.pop("query", UNSET)
        query: Link | Unset
        if isinstance(_query, Unset):
            query = UNSET
        else:
            query = Link.from_dict(_query)

        _view = d.pop("view", UNSET)
        view: Link | Unset
        if isinstance(_view, Unset):
            view = UNSET
        else:
            view = Link.from_dict(_view)

        _result = d.pop("result", UNSET)
        result: Link | Unset
        if isinstance(_result, Unset):
            result = UNSET
        else:
            result = Link.from_dict(_result)

        _result_web = d.pop("result_web", UNSET)
        result_web: Link | Unset
        if isinstance(_result_web, Unset):
            result_web = UNSET
        else:
            result_web = Link.from_dict(_result_web)

        _query_web = d.pop("query_web", UNSET)
        query_web: Link | Unset
        if isinstance(_query_web, Unset):
            query_web = UNSET
        else:
            query_web = Link.from_dict(_query_web)

        _report_run = d.pop("report_run", UNSET)
        report_run: Link | Unset
        if isinstance(_report_run, Unset):
            report_run = UNSET
        else:
            report_run = Link.from_dict(_report_run)

        _report_run_web = d.pop("report_run_web", UNSET)
        report_run_web: Link | Unset
        if isinstance(_report_run_web, Unset):
            report_run_web = UNSET
        else:
            report_run_web = Link.from_dict(_report_run_web)

        _executed_by = d.pop("executed_by", UNSET)
        executed_by: Link | Unset
        if isinstance(_executed_by, Unset):
            executed_by = UNSET
        else:
            executed_by = Link.from_dict(_executed_by)

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
            additional_property = Link.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        query_run_links.additional_properties = additional_properties
        return query_run_links

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Link:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Link) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
