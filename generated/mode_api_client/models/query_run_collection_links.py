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
        self_ (Link | list[Link]): The value of one HAL relation: a Link object, or an array of Link objects for a
            relation with several targets (draft-kelly-json-hal, section 4.1.1).
        next_page (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects
            for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
        prev_page (Link | list[Link] | Unset): The value of one HAL relation: a Link object, or an array of Link objects
            for a relation with several targets (draft-kelly-json-hal, section 4.1.1).
    """

    self_: Link | list[Link]
    next_page: Link | list[Link] | Unset = UNSET
    prev_page: Link | list[Link] | Unset = UNSET
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

        next_page: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.next_page, Unset):
            next_page = UNSET
        elif isinstance(self.next_page, Link):
            next_page = self.next_page.to_dict()
        else:
            next_page = []
            for componentsschemas_relation_type_1_item_data in self.next_page:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                next_page.append(componentsschemas_relation_type_1_item)

        prev_page: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.prev_page, Unset):
            prev_page = UNSET
        elif isinstance(self.prev_page, Link):
            prev_page = self.prev_page.to_dict()
        else:
            prev_page = []
            for componentsschemas_relation_type_1_item_data in self.prev_page:
                componentsschemas_relation_type_1_item = (
                    componentsschemas_relation_type_1_item_data.to_dict()
                )
                prev_page.append(componentsschemas_relation_type_1_item)

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
        if next_page is not UNSET:
            field_dict["next_page"] = next_page
        if prev_page is not UNSET:
            field_dict["prev_page"] = prev_page

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

        def _parse_next_page(data: object) -> Link | list[Link] | Unset:
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

        next_page = _parse_next_page(d.pop("next_page", UNSET))

        def _parse_prev_page(data: object) -> Link | list[Link] | Unset:
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

        prev_page = _parse_prev_page(d.pop("prev_page", UNSET))

        query_run_collection_links = cls(
            self_=self_,
            next_page=next_page,
            prev_page=prev_page,
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

        query_run_collection_links.additional_properties = additional_properties
        return query_run_collection_links

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
