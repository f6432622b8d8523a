"""Spec drift as the clients report it: ``SpecDriftWarning``, and how deep a body may nest.

The clients read deviations from the generated models (which record them while reading,
see ``reader``) and report them as ``SpecDriftWarning`` (or raise them in strict mode).
Checking any body against the spec's JSON Schema validator is the testing kit's
(``testing.schema_check``), for ``mode-query-runs drift`` and the contract tests.
"""

from __future__ import annotations

__all__ = ["MAX_DEPTH", "SpecDriftWarning"]

MAX_DEPTH = 255
"""Levels of nesting of a value that strays from the spec the validator (jsonschema-rs)
can describe: a body with one nested deeper is one deviation at ``$``. (How deep Python's
``json`` decodes a body at all depends on the Python version.)"""


class SpecDriftWarning(UserWarning):
    """A response of a spec operation strays from ``openapi/mode.yaml``; its data was kept.

    A strict client raises ``ResponseParseError`` instead. A warnings filter turns these
    warnings into errors, e.g. under pytest ``-W error::mode_query_runs.SpecDriftWarning``
    or ``warnings.simplefilter("error", SpecDriftWarning)``.
    """
