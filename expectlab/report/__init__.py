"""The client-study report: parameters, validation, the data profile and rendering.

A consultant runs ``expectlab report TEMPLATE --data FILE --out DIR``. The command reads
and validates the data *before* running anything (bad files stop with one clear message
and a non-zero exit), executes the parameterised template notebook with papermill, and
renders it to a code-free HTML report with nbconvert.

Client files are untrusted input. Parameters reach the notebook as data: names must be
parameters the template declares, and values are injected as Python literals (strings,
numbers, lists, dicts), never as code. Text from the data is escaped in the HTML.
"""


from ._templates import bundled_templates, copy_template, resolve_template
from .parameters import (
    DEFAULT_PARAMETERS,
    LANGUAGES,
    PRESENTATION_PARAMETERS,
    READ_OPTIONS,
    check_parameter_types,
    load_style,
    parse_parameter,
    split_data_source,
    template_parameters,
    validate_parameters,
)
from .profile import (
    key_figures,
    plot_item_distributions,
    plot_missingness,
    profile_section,
    profile_table,
    reliability_table,
)
from .render import FORMATS, ReportFiles, render_report, render_report_files
from .study import StudyData, prepare_study

__all__ = [
    "DEFAULT_PARAMETERS",
    "READ_OPTIONS",
    "split_data_source",
    "profile_table",
    "reliability_table",
    "plot_missingness",
    "plot_item_distributions",
    "StudyData",
    "prepare_study",
    "validate_parameters",
    "parse_parameter",
    "profile_section",
    "key_figures",
    "template_parameters",
    "render_report",
    "render_report_files",
    "ReportFiles",
    "FORMATS",
    "LANGUAGES",
    "PRESENTATION_PARAMETERS",
    "check_parameter_types",
    "load_style",
    "bundled_templates",
    "resolve_template",
    "copy_template",
]

