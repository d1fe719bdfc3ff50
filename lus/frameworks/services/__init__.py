"""Side effects on question frameworks, by responsibility:

- :mod:`.validation`: a framework document is checked as a whole (``framework_validate``);
- :mod:`.json_format`: import and export of the JSON format (docs/framework-format.md) and the
  shipped fixtures;
- :mod:`.versioning`: publishing, new drafts, the current version;
- :mod:`.customisation`: a team's removed, added and reworded questions.

Import from ``lus.frameworks.services``: every public name is here.
"""

from .customisation import (
    customisation_add_question,
    customisation_get_or_create,
    customisation_remove_question,
    customisation_restore_question,
    customisation_reword_question,
)
from .json_format import (
    FIXTURES_DIR,
    framework_export,
    framework_export_normalised,
    framework_import,
    framework_load_fixture,
)
from .validation import DEFAULT_FRAMEWORK_NAME, FORMAT, framework_validate
from .versioning import (
    framework_current_version,
    framework_publish,
    framework_version_create_draft,
)

__all__ = [
    "DEFAULT_FRAMEWORK_NAME",
    "FIXTURES_DIR",
    "FORMAT",
    "customisation_add_question",
    "customisation_get_or_create",
    "customisation_remove_question",
    "customisation_restore_question",
    "customisation_reword_question",
    "framework_current_version",
    "framework_export",
    "framework_export_normalised",
    "framework_import",
    "framework_load_fixture",
    "framework_publish",
    "framework_validate",
    "framework_version_create_draft",
]
