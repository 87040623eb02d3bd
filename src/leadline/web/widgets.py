"""Moved to :mod:`leadline.widgets`; this name stays until every importer uses that.

(Kept for the branch restructuring governance in parallel: remove once it imports
``leadline.widgets``.)
"""

from leadline.widgets import (
    ISO_DATE,
    ISO_DATETIME,
    DateInput,
    DateTimeInput,
    SearchableSelectMultiple,
)

__all__ = ["ISO_DATE", "ISO_DATETIME", "DateInput", "DateTimeInput", "SearchableSelectMultiple"]
