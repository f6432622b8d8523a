"""``SpecDriftWarning``, and how deep a straying value the validator can describe."""

MAX_DEPTH = 255  # deeper-nested straying values are one deviation at ``$`` (jsonschema-rs)


class SpecDriftWarning(UserWarning):
    """A response of a spec operation strays from ``openapi/mode.yaml``; its data was kept
    (a strict client raises ``ResponseParseError`` instead). A warnings filter makes these
    errors: ``-W error::mode_query_runs.SpecDriftWarning`` under pytest, or
    ``warnings.simplefilter("error", SpecDriftWarning)``."""
