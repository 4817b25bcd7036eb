"""The document tests render the same sample data that template versions are checked and previewed with
(`service/documents/template_samples.py`): one context per document kind, built through the public builders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from service.documents import DocumentKind
from service.documents.template_samples import sample_context

# Kinds whose lists carry every sample nominee (the State submission takes the first three).
LISTS_ALL_NOMINEES = {
    DocumentKind.UNIT_SUBMISSION,
    DocumentKind.COUNCIL_MINUTES,
    DocumentKind.CONSOLIDATED_SUBMISSION,
    DocumentKind.HOME_AFFAIRS_SUBMISSION,
    DocumentKind.AWARD_DECISION,
}


@pytest.fixture
def build_context() -> Callable[..., dict[str, Any]]:
    """Returns the sample context of a document kind (keyword arguments replace the sample's own)."""
    return sample_context


@pytest.fixture
def build_decision_context() -> Callable[..., dict[str, Any]]:
    """Returns a decision context for the given nominee dicts (default: the sample nominees)."""

    def build(nominees: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
        if nominees is not None:
            changes["nominees"] = nominees
        return sample_context(DocumentKind.AWARD_DECISION, **changes)

    return build
