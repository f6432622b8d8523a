from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.query_run import QueryRun


T = TypeVar("T", bound="QueryRunCollectionEmbedded")


@_attrs_define
class QueryRunCollectionEmbedded:
    """
    Attributes:
        query_runs (list[QueryRun]):
    """

    query_runs: list[QueryRun]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query_runs = []
        for query_runs_item_data in self.query_runs:
            query_runs_item = query_runs_item_data.to_dict()
            query_runs.append(query_runs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "query_runs": query_runs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.query_run import QueryRun

        d = dict(src_dict)
        query_runs = []
        _query_runs = d.pop("query_runs")
        for query_runs_item_data in _query_runs:
            query_runs_item = QueryRun.from_dict(query_runs_item_data)

            query_runs.append(query_runs_item)

        query_run_collection_embedded = cls(
            query_runs=query_runs,
        )

        query_run_collection_embedded.additional_properties = d
        return query_run_collection_embedded

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
