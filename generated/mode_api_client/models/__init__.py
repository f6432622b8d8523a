"""Contains all the data models used in inputs/outputs"""

from .error import Error
from .get_query_run_result_json_response_200_item import (
    GetQueryRunResultJsonResponse200Item,
)
from .link import Link
from .pagination import Pagination
from .query_run import QueryRun
from .query_run_collection import QueryRunCollection
from .query_run_collection_embedded import QueryRunCollectionEmbedded
from .query_run_collection_links import QueryRunCollectionLinks
from .query_run_embedded_type_0 import QueryRunEmbeddedType0
from .query_run_links import QueryRunLinks
from .query_run_parameters_type_0 import QueryRunParametersType0

__all__ = (
    "Error",
    "GetQueryRunResultJsonResponse200Item",
    "Link",
    "Pagination",
    "QueryRun",
    "QueryRunCollection",
    "QueryRunCollectionEmbedded",
    "QueryRunCollectionLinks",
    "QueryRunEmbeddedType0",
    "QueryRunLinks",
    "QueryRunParametersType0",
)
