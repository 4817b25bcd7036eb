"""What a bundle (plus what is already deployed) offers to references: processes, decisions, forms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

_FORM_SUFFIXES = (".form", ".json")


def form_reference_name(reference: str) -> str:
    """The file-or-id part of a form reference.

    Camunda writes "embedded:deployment:x.form" or "camunda-forms:deployment:x.form"; SpiffWorkflow's
    formJsonSchemaFilename and hand-written keys are plain "x.form" or "x". The part after the last ":"
    and "/" is what names the form.
    """
    name = reference.strip().rsplit(":", 1)[-1]
    return name.rsplit("/", 1)[-1]


def _stem(name: str) -> str:
    for suffix in _FORM_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class BundleIndex:
    """Ids defined by the bundle's files, and ids already deployed that the bundle may refer to."""

    known_process_ids: frozenset[str] = frozenset()
    known_decision_ids: frozenset[str] = frozenset()
    known_form_ids: frozenset[str] = frozenset()
    process_files: dict[str, str] = field(default_factory=dict)
    decision_files: dict[str, str] = field(default_factory=dict)
    form_files: dict[str, str] = field(default_factory=dict)
    _known_form_names: set[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._known_form_names = {n for known_id in self.known_form_ids for n in _names_of(known_id, None)}

    def has_process(self, process_id: str) -> bool:
        return process_id in self.process_files or process_id in self.known_process_ids

    def has_decision(self, decision_id: str) -> bool:
        return decision_id in self.decision_files or decision_id in self.known_decision_ids

    def add_form(self, filename: str, form_id: str | None) -> None:
        """Make a bundle form findable by its file name, its name without extension, and its id."""
        for name in _names_of(filename, form_id):
            self.form_files.setdefault(name, filename)

    def has_form(self, reference: str) -> bool:
        name = form_reference_name(reference)
        if not name:
            return False
        return any(
            candidate in self.form_files or candidate in self._known_form_names for candidate in (name, _stem(name))
        )


def _names_of(filename: str, form_id: str | None) -> Iterable[str]:
    base = filename.rsplit("/", 1)[-1]
    names = {base, _stem(base)}
    if form_id:
        names.add(form_id)
    return names
