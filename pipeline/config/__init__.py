"""Study configuration: one YAML file per study, validated once on load.

Every option a later stage reads is declared with its default, so an unknown key, a wrong type or an
impossible value is refused up front with the key named (``ConfigError``). The models live in
:mod:`pipeline.config.study` (the study, its inputs, mapping, response, report and literature; reading
the YAML) and :mod:`pipeline.config.analysis` (the ``analysis:`` options); import them from here.
"""

from pipeline.config.analysis import (
    KM_ENDPOINTS,
    Analysis,
    Comparison,
    CompetingRisks,
    ModelCovariate,
    Models,
    RMSTOptions,
    Subgroups,
)
from pipeline.config.study import (
    DERIVED_ADSL,
    EXTRA_KINDS,
    TABLES,
    ExtraColumn,
    Inputs,
    LiteratureStudy,
    Report,
    Response,
    StudyConfig,
    Validation,
    config_from_dict,
    load_config,
)

__all__ = [
    "DERIVED_ADSL", "EXTRA_KINDS", "KM_ENDPOINTS", "TABLES", "Analysis", "CompetingRisks", "Comparison",
    "ExtraColumn", "Inputs", "LiteratureStudy", "ModelCovariate", "Models", "RMSTOptions", "Report", "Response",
    "StudyConfig", "Subgroups", "Validation", "config_from_dict", "load_config",
]
