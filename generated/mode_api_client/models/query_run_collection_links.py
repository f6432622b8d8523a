from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.link import Link


T = TypeVar("T", bound="QueryRunCollectionLinks")


@_attrs_define
class QueryRunCollectionLinks:
    """`self`, and `next_page` / `prev_page` when there is more than one page; no `next_page` means the last page.

    Attributes:
        self_ (Link): A HAL link to a related resource or action.
        next_page (Link | Unset): A HAL link to a related resource or action.
        prev_page (Link | Unset): A HAL link to a related resource or action.
    """

    self_: Link
    next_page: Link | Unset = UNSET
    prev_page: Link | Unset = UNSET
    additional_properties: dict[str, Link] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_.to_dict()

        next_page: dict[str, Any] | Unset = UNSET
        if not isinstance(self.next_page, Unset):
            next_page = self.next_page.to_dict()

        prev_page: dict[str, Any] | Unset = UNSET
        if not isinstance(self.prev_page, Unset):
            prev_page = self.prev_page.to_dict()

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        field_dict.update(
            {
                "self": self_,
            }
        )
        if next_page is not UNSET:
            field_dict["next_page"] = next_page
        if prev_page is not UNSET:
            field_dict["prev_page"] = prev_page

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.link import Link

        d = dict(src_dict)
        self_ = Link.from_dict(d.pop("self"))

        _next_page = d.pop("next_page", UNSET)
        next_page: Link | Unset
        if isinstance(_next_page, Unset):
            next_page = UNSET
        else:
            next_page = Link.from_dict(_next_page)

        _prev_page = d.pop("prev_page", UNSET)
        prev_page: Link | Unset
        if isinstance(_prev_page, Unset):
            prev_page = UNSET
        else:
            prev_page = Link.from_dict(_prev_page)

        query_run_collection_links = cls(
            self_=self_,
            next_page=next_page,
            prev_page=prev_page,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = Link.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        query_run_collection_links.additional_properties = additional_properties
        return query_run_collection_links

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
