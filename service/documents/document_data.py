"""Plain input records for the document context builders.

Builders accept these dataclasses or plain dicts with the same keys (``coerce``), so the workflow can pass
data straight from a task's form or from JSON stored with the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

Delegation = Literal["TM.", "KT.", "TL.", "TUQ.", "Q."]
DELEGATIONS: tuple[str, ...] = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
NomineeKind = Literal["collective", "individual", "enterprise", "household", "other"]
# Kinds listed under "TẬP THỂ" in lists and paid the collective rate.
COLLECTIVE_KINDS: frozenset[str] = frozenset({"collective", "enterprise"})


@dataclass(frozen=True)
class Issuer:
    """The issuing agency: its name, the abbreviation used in symbols, and its parent agency if any."""

    name: str
    abbreviation: str
    parent_name: str | None = None


@dataclass(frozen=True)
class Signer:
    """Who signs: own title and name; ``delegation``/``acting_title`` print e.g. "KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH".

    For "TM." the acting title is the collective body ("ỦY BAN NHÂN DÂN"). ``on_behalf_of`` adds a
    "TM. <body>" line above a "KT." line when a deputy signs for the head of a collective body.
    """

    title: str
    name: str
    delegation: Delegation | None = None
    acting_title: str | None = None
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class DocumentMeta:
    """What every numbered document has: issuer, signer, number (None while a draft), date, place, recipients."""

    issuer: Issuer
    signer: Signer
    issued_on: date
    place: str
    number: int | None = None
    recipients: list[str] = field(default_factory=list)
    # Units after "VT" in the last recipient line: ["TĐKT"] → "- Lưu: VT, TĐKT."
    archive: list[str] = field(default_factory=list)
    # False for kinds the office does not number (minutes of a unit council, achievement reports): the
    # number line is left out rather than printed blank.
    numbered: bool = True


@dataclass(frozen=True)
class Nominee:
    """One collective or individual in a list."""

    name: str
    kind: NomineeKind = "individual"
    position: str | None = None
    unit: str | None = None
    achievement_summary: str = ""
    proposed_form: str = ""
    # Key into the reward rates (e.g. "city_chairman_certificate_of_merit").
    award_code: str | None = None
    # "male"/"female" for individuals: decision lists print "Ông"/"Bà".
    sex: str | None = None
    score: Decimal | float | None = None
    rank: int | None = None


@dataclass(frozen=True)
class CouncilVote:
    """A nominee's ballot result; ``passed`` is decided by the caller from the configured threshold."""

    nominee: Nominee
    votes_for: int
    passed: bool
    reason: str | None = None


@dataclass(frozen=True)
class Person:
    """A named person with a title, e.g. the chair or secretary of a council meeting."""

    name: str
    title: str = ""


@dataclass(frozen=True)
class CouncilMeeting:
    """Facts of the council review meeting printed in the minutes."""

    council_name: str
    started_at: datetime
    ended_at: datetime
    location: str
    chair: Person
    secretary: Person
    members_total: int
    members_present: int
    attendees: list[Person] = field(default_factory=list)
    absent_note: str | None = None
    content: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Confirmation:
    """A confirmation block on an achievement report (unit head, direct superior, proposing level)."""

    title: str
    signer: Signer | None = None
    text: str | None = None


@dataclass(frozen=True)
class PriorAward:
    """A row of "Các hình thức đã được khen thưởng"."""

    year: int
    form: str
    decision: str


@dataclass(frozen=True)
class Initiative:
    """A recognised initiative or research project of an individual."""

    name: str
    recognition: str


@dataclass(frozen=True)
class Section:
    """A numbered part of a document body: a title and its paragraphs."""

    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuotaRow:
    """A unit's quota in the round guidance."""

    unit: str
    quota: int
    note: str = ""


@dataclass(frozen=True)
class RewardRate:
    """A configured multiplier of the base salary for an award form and subject kind."""

    award_code: str
    subject_kind: str
    multiplier: Decimal
    label: str


@dataclass(frozen=True)
class RewardPolicy:
    """Base salary, rates and rounding unit in force on the decision date, and the funding source text."""

    base_salary: int
    rates: list[RewardRate]
    rounding_unit: int = 1
    funding_source: str = ""


T = TypeVar("T")


def coerce(cls: type[T], value: Any) -> T:
    """Accept an instance of ``cls`` or a dict of its fields; nested records, dates and decimals are converted."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise TypeError(f"{cls.__name__}: expected {cls.__name__} or dict, got {type(value).__name__}")
    known = {f.name: f.type for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(value) - set(known)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
    return cls(**{key: _convert(str(known[key]), item) for key, item in value.items()})


def _convert(annotation: str, item: Any) -> Any:
    # Annotations are strings under "from __future__ import annotations": "list[Person]", "Signer | None"…
    if item is None:
        return None
    base = annotation.replace(" | None", "")
    if base.startswith("list[") and isinstance(item, list):
        return [_convert(base[5:-1], element) for element in item]
    target = _RECORDS.get(base)
    if target is not None:
        return coerce(target, item)
    if base == "date" and isinstance(item, str):
        return date.fromisoformat(item)
    if base == "datetime" and isinstance(item, str):
        return datetime.fromisoformat(item)
    if base.startswith("Decimal") and isinstance(item, (str, int, float)):
        return Decimal(str(item))
    return item


_RECORDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Issuer,
        Signer,
        DocumentMeta,
        Nominee,
        CouncilVote,
        Person,
        CouncilMeeting,
        Confirmation,
        PriorAward,
        Initiative,
        Section,
        QuotaRow,
        RewardRate,
        RewardPolicy,
    )
}
