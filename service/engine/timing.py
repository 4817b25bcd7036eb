"""Due dates written in diagrams: an ISO date-time, an ISO duration, or ${variable} holding one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_VARIABLE = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")


def parse_due(expression: str | None, data: dict, now: datetime) -> datetime | None:
    if not expression:
        return None
    match = _VARIABLE.match(expression.strip())
    value = data.get(match.group(1)) if match else expression.strip()
    if not value:
        return None
    value = str(value)
    if value.upper().startswith("P"):
        parsed = TimerEventDefinition.parse_iso_duration(value)
        return now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
