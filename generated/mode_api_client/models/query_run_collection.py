from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pagination import Pagination
    from ..models.query_run_collection_embedded import QueryRunCollectionEmbedded
    from ..models.query_run_collection_links import QueryRunCollectionLinks


T = TypeVar("T", bound="QueryRunCollection")


@_attrs_define
class QueryRunCollection:
    """One page of a Report Run's Query Runs.

    Attributes:
        field_links (QueryRunCollectionLinks): `self`, and `next_page` / `prev_page` when there is more than one page;
            no `next_page` means the last page.
        field_embedded (QueryRunCollectionEmbedded):
        pagination (Pagination | Unset): Paging figures. Two shapes are published; every field is optional. Follow
            `next_page` rather than computing pages from these.
    """

    field_links: QueryRunCollectionLinks
    field_embedded: QueryRunCollectionEmbedded
    pagination: Pagination | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_links = self.field_links.to_dict()

        field_embedded = self.field_embedded.to_dict()

        pagination: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pagination, Unset):
            pagination = self.pagination.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "_links": field_links,
                "_embedded": field_embedded,
            }
        )
        if pagination is not UNSET:
            field_dict["pagination"] = pagination

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pagination import Pagination
        from ..models.query_run_collection_embedded import QueryRunCollectionEmbedded
        from ..models.query_run_collection_links import QueryRunCollectionLinks

        d = dict(src_dict)
        field_links = QueryRunCollectionLinks.from_dict(d.pop("_links"))

        field_embedded = QueryRunCollectionEmbedded.from_dict(d.pop("_embedded"))

        _pagination = d.pop("pagination", UNSET)
        pagination: Pagination | Unset
        if isinstance(_pagination, Unset):
            pagination = UNSET
        else:
            pagination = Pagination.from_dict(_pagination)

        query_run_collection = cls(
            field_links=field_links,
            field_embedded=field_embedded,
            pagination=pagination,
        )

        query_run_collection.additional_properties = d
        return query_run_collection

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
