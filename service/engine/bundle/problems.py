"""The Problem value reported by bundle validation, and the bounded collector that gathers them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

from service.engine.bundle.messages import MESSAGES, WARNING_CODES

Level = Literal["error", "warning"]

DEFAULT_MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One finding about an uploaded file; `message` is Vietnamese, `message_en` its English text.

    An "error" means the diagram cannot run and refuses the deployment; a "warning" deploys and says what
    this engine will do differently from the modeller (or what an administrator still has to set up).
    """

    file: str
    element_id: str | None
    line: int | None
    message: str
    code: str = ""
    message_en: str = ""
    level: Level = "error"

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The API shape `{file, element_id, line, message, level}` (API.md, details.problems / warnings)."""
        message = self.message_en if lang == "en" and self.message_en else self.message
        return {"file": self.file, "element_id": self.element_id, "line": self.line, "message": message,
                "level": self.level}

    @property
    def is_error(self) -> bool:
        """Whether this problem refuses the deployment."""
        return self.level == "error"


class ProblemLimitReached(Exception):
    """Raised inside the checks once the collector is full, to stop work on a hopeless bundle early."""


class ProblemCollector:
    """Collects problems up to a limit so a huge broken upload cannot make validation run for long."""

    def __init__(self, max_problems: int = DEFAULT_MAX_PROBLEMS):
        self.max_problems = max_problems
        self.problems: list[Problem] = []
        self.truncated = False

    def add(
        self, code: str, file: str, *, element_id: str | None = None, line: int | None = None, **params: Any
    ) -> None:
        """Record a problem from the message catalogue; raise ProblemLimitReached when full."""
        if len(self.problems) >= self.max_problems:
            self.truncated = True
            raise ProblemLimitReached
        vi, en = MESSAGES[code]
        self.problems.append(
            Problem(
                file=file,
                element_id=element_id,
                line=line,
                message=vi.format(**params),
                code=code,
                message_en=en.format(**params),
                level="warning" if code in WARNING_CODES else "error",
            )
        )

    def at(self, code: str, file: str, element: etree._Element, **params: Any) -> None:
        """Record a problem located at an XML element (its id and source line)."""
        self.add(code, file, element_id=element.get("id"), line=element.sourceline, **params)

    def finish(self) -> list[Problem]:
        """Return the problems, with a closing note when the limit cut the work short."""
        if self.truncated:
            vi, en = MESSAGES["too_many_problems"]
            self.problems.append(
                Problem(
                    file=self.problems[-1].file,
                    element_id=None,
                    line=None,
                    message=vi.format(limit=self.max_problems),
                    code="too_many_problems",
                    message_en=en.format(limit=self.max_problems),
                )
            )
        return self.problems
