from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Pagination")


@_attrs_define
class Pagination:
    """Paging figures. Two shapes are published; every field is optional and may be `null`. Follow `next_page` rather than
    computing pages from these.

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

    def to_dict(self) -> dict[str, Any]:
        page: int | None | Unset
        if isinstance(self.page, Unset):
            page = UNSET
        else:
            page = self.page

        per_page: int | None | Unset
        if isinstance(self.per_page, Unset):
            per_page = UNSET
        else:
            per_page = self.per_page

        count: int | None | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        else:
            count = self.count

        total_pages: int | None | Unset
        if isinstance(self.total_pages, Unset):
            total_pages = UNSET
        else:
            total_pages = self.total_pages

        total_count: int | None | Unset
        if isinstance(self.total_count, Unset):
            total_count = UNSET
        else:
            total_count = self.total_count

        first_page: int | None | str | Unset
        if isinstance(self.first_page, Unset):
            first_page = UNSET
        else:
            first_page = self.first_page

        last_page: int | None | str | Unset
        if isinstance(self.last_page, Unset):
            last_page = UNSET
        else:
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

        def _parse_page(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        page = _parse_page(d.pop("page", UNSET))

        def _parse_per_page(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        per_page = _parse_per_page(d.pop("per_page", UNSET))

        def _parse_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        count = _parse_count(d.pop("count", UNSET))

        def _parse_total_pages(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        total_pages = _parse_total_pages(d.pop("total_pages", UNSET))

        def _parse_total_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        total_count = _parse_total_count(d.pop("total_count", UNSET))

        def _parse_first_page(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        first_page = _parse_first_page(d.pop("first_page", UNSET))

        def _parse_last_page(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        last_page = _parse_last_page(d.pop("last_page", UNSET))

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
