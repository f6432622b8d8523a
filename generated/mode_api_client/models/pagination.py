from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Pagination")


@_attrs_define
class Pagination:
    """Paging figures. Two shapes are published; every field is optional. Follow `next_page` rather than computing pages
    from these.

        Attributes:
            page (int | Unset):
            per_page (int | Unset):
            count (int | Unset):
            total_pages (int | Unset):
            total_count (int | Unset):
            first_page (int | Unset):
            last_page (int | Unset):
    """

    page: int | Unset = UNSET
    per_page: int | Unset = UNSET
    count: int | Unset = UNSET
    total_pages: int | Unset = UNSET
    total_count: int | Unset = UNSET
    first_page: int | Unset = UNSET
    last_page: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        page = self.page

        per_page = self.per_page

        count = self.count

        total_pages = self.total_pages

        total_count = self.total_count

        first_page = self.first_page

        last_page = self.last_page

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if page is not UNSET:
            field_dict["page"] = page
        if per_page is not UNSET:
            field_dict["per_page"] = per_page
        if count is not UNSET:
            field_dict["count"] = count
        if total_pages is not UNSET:
            field_dict["total_pages"] = total_pages
        if total_count is not UNSET:
            field_dict["total_count"] = total_count
        if first_page is not UNSET:
            field_dict["first_page"] = first_page
        if last_page is not UNSET:
            field_dict["last_page"] = last_page

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        page = d.pop("page", UNSET)

        per_page = d.pop("per_page", UNSET)

        count = d.pop("count", UNSET)

        total_pages = d.pop("total_pages", UNSET)

        total_count = d.pop("total_count", UNSET)

        first_page = d.pop("first_page", UNSET)

        last_page = d.pop("last_page", UNSET)

        pagination = cls(
            page=page,
            per_page=per_page,
            count=count,
            total_pages=total_pages,
            total_count=total_count,
            first_page=first_page,
            last_page=last_page,
        )

        pagination.additional_properties = d
        return pagination

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
