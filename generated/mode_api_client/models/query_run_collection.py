from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

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
    """One page of a Report Run's Query Runs. An absent or `null` `_embedded` is a page without Query Runs.

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

    def to_dict(self) -> dict[str, Any]:
        from ..models.query_run_collection_embedded import QueryRunCollectionEmbedded

        field_links = self.field_links.to_dict()

        pagination: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pagination, Unset):
            pagination = self.pagination.to_dict()

        field_embedded: dict[str, Any] | None | Unset
        if isinstance(self.field_embedded, Unset):
            field_embedded = UNSET
        elif isinstance(self.field_embedded, QueryRunCollectionEmbedded):
            field_embedded = self.field_embedded.to_dict()
        else:
            field_embedded = self.field_embedded

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "_links": field_links,
            }
        )
        if pagination is not UNSET:
            field_dict["pagination"] = pagination
        if field_embedded is not UNSET:
            field_dict["_embedded"] = field_embedded

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pagination import Pagination
        from ..models.query_run_collection_embedded import QueryRunCollectionEmbedded
        from ..models.query_run_collection_links import QueryRunCollectionLinks

        d = dict(src_dict)
        field_links = QueryRunCollectionLinks.from_dict(d.pop("_links"))

        _pagination = d.pop("pagination", UNSET)
        pagination: Pagination | Unset
        if isinstance(_pagination, Unset):
            pagination = UNSET
        else:
            pagination = Pagination.from_dict(_pagination)

        def _parse_field_embedded(
            data: object,
        ) -> None | QueryRunCollectionEmbedded | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                field_embedded_type_0 = QueryRunCollectionEmbedded.from_dict(data)

                return field_embedded_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QueryRunCollectionEmbedded | Unset, data)

        field_embedded = _parse_field_embedded(d.pop("_embedded", UNSET))

        query_run_collection = cls(
            field_links=field_links,
            pagination=pagination,
            field_embedded=field_embedded,
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
