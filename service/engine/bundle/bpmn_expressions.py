"""BPMN checks of everything the engine will evaluate or execute: conditions, scripts, timers, loops.

The checking itself is delegated to a SourceChecker supplied by the engine (its sandbox decides what is
allowed); by default only Python syntax is checked, the way eval() / exec() would compile the text.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from service.engine.bundle.namespaces import bpmn, camunda, spiff
from service.engine.bundle.problems import ProblemCollector
from service.engine.bundle.references import BundleIndex
from service.engine.juel import java_call, juel_to_python
from service.engine.normalise import timer_expression

SourceChecker = Callable[[str], "str | None"]

# (Vietnamese, English) names of what an expression is for, used in messages.
_CONDITION = ("điều kiện", "condition")
_SCRIPT = ("kịch bản", "script")
_PRE_SCRIPT = ("kịch bản trước (preScript)", "preScript")
_POST_SCRIPT = ("kịch bản sau (postScript)", "postScript")
_TIMER = ("hẹn giờ", "timer")
_CARDINALITY = ("số lần lặp (loopCardinality)", "loopCardinality")
_COLLECTION = ("tập hợp đa thể hiện", "multi-instance collection")
_COMPLETION = ("điều kiện hoàn thành (completionCondition)", "completionCondition")
_LOOP = ("điều kiện lặp (loopCondition)", "loopCondition")


def default_expression_checker(source: str) -> str | None:
    """Report whether `source` compiles as a Python expression, the way eval() would take it."""
    return _syntax_error(source.lstrip(" \t"), "eval")


def default_script_checker(source: str) -> str | None:
    """Report whether `source` compiles as a Python script, the way exec() would take it."""
    return _syntax_error(source, "exec")


def _syntax_error(source: str, mode: str) -> str | None:
    try:
        ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return f"{exc.msg} (dòng {exc.lineno}, cột {exc.offset})"
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        return str(exc) or type(exc).__name__
    return None


@dataclass(frozen=True)
class SourceCheckers:
    """How to check expressions (conditions, timers, ...) and scripts; supplied by the engine."""

    expression: SourceChecker = default_expression_checker
    script: SourceChecker = default_script_checker


@dataclass
class ElementContext:
    """What element checks need: where they are, what the bundle defines, and where to report."""

    filename: str
    dialect: str
    index: BundleIndex
    checkers: SourceCheckers
    collector: ProblemCollector
    definitions: dict[str, set[str]]
    process_ids: set[str]


def check_source(
    ctx: ElementContext,
    source: str | None,
    *,
    owner: etree._Element,
    line: int | None,
    what: tuple[str, str],
    script: bool = False,
) -> None:
    if source is None or not source.strip():
        ctx.collector.add(
            "empty_expression", ctx.filename, element_id=owner.get("id"), line=line, what=what[0], what_en=what[1]
        )
        return
    juel_error = None
    if not script and ctx.dialect != "spiff":
        juel_error = java_call(source)
        source = juel_to_python(source)  # the parser's copy is rewritten the same way (engine/normalise.py)
    checker = ctx.checkers.script if script else ctx.checkers.expression
    try:
        error = juel_error or checker(source)
    except Exception as exc:  # an engine checker that crashes still means "does not parse"
        error = f"{type(exc).__name__}: {exc}"
    if error:
        ctx.collector.add(
            "bad_expression",
            ctx.filename,
            element_id=owner.get("id"),
            line=line,
            what=what[0],
            what_en=what[1],
            error=error,
        )


def _owner_of_extension(element: etree._Element) -> etree._Element:
    """The flow element an extension element belongs to (extension -> extensionElements -> owner)."""
    parent = element.getparent()
    owner = parent.getparent() if parent is not None else None
    return owner if owner is not None else element


def _sequence_flow(ctx: ElementContext, flow: etree._Element) -> None:
    condition = flow.find(bpmn("conditionExpression"))
    if condition is not None and (condition.text or "").strip():
        check_source(ctx, condition.text, owner=flow, line=condition.sourceline, what=_CONDITION)


def _script_task(ctx: ElementContext, task: etree._Element) -> None:
    script = task.find(bpmn("script"))
    if script is None or not (script.text or "").strip():
        ctx.collector.at("missing_script", ctx.filename, task)
        return
    check_source(ctx, script.text, owner=task, line=script.sourceline, what=_SCRIPT, script=True)


def _spiff_script(what: tuple[str, str]) -> Callable[[ElementContext, etree._Element], None]:
    def check(ctx: ElementContext, element: etree._Element) -> None:
        if (element.text or "").strip():
            owner = _owner_of_extension(element)
            check_source(ctx, element.text, owner=owner, line=element.sourceline, what=what, script=True)

    return check


def _timer(ctx: ElementContext, definition: etree._Element) -> None:
    event = definition.getparent() if definition.getparent() is not None else definition
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        expression = definition.find(bpmn(kind))
        if expression is not None:
            text = expression.text
            if text and ctx.dialect != "spiff":
                text = juel_to_python(text)
            text = timer_expression(text) if text else text
            check_source(ctx, text, owner=event, line=expression.sourceline, what=_TIMER)
            return
    ctx.collector.add("timer_missing_definition", ctx.filename, element_id=event.get("id"), line=definition.sourceline)


def _multi_instance(ctx: ElementContext, loop: etree._Element) -> None:
    activity = loop.getparent() if loop.getparent() is not None else loop
    cardinality = loop.find(bpmn("loopCardinality"))
    if cardinality is not None:
        check_source(ctx, cardinality.text, owner=activity, line=cardinality.sourceline, what=_CARDINALITY)
    # Plain BPMN goes to the Camunda parser in service/engine/parsing.py, so it follows Camunda's rule.
    if ctx.dialect in ("camunda", "plain"):
        collection = loop.get(camunda("collection"))
        if collection is not None:
            check_source(ctx, collection, owner=activity, line=loop.sourceline, what=_COLLECTION)
        elif cardinality is None:
            _mi_missing(ctx, activity, loop, "loopCardinality hoặc camunda:collection")
    else:
        data_input = loop.find(bpmn("loopDataInputRef"))
        if data_input is not None:
            check_source(ctx, data_input.text, owner=activity, line=data_input.sourceline, what=_COLLECTION)
            if cardinality is not None:
                ctx.collector.add("mi_both_inputs", ctx.filename, element_id=activity.get("id"), line=loop.sourceline)
        elif cardinality is None:
            _mi_missing(ctx, activity, loop, "loopCardinality hoặc loopDataInputRef")
    completion = loop.find(bpmn("completionCondition"))
    if completion is not None and (completion.text or "").strip():
        check_source(ctx, completion.text, owner=activity, line=completion.sourceline, what=_COMPLETION)


def _mi_missing(ctx: ElementContext, activity: etree._Element, loop: etree._Element, options: str) -> None:
    ctx.collector.add(
        "mi_missing_input", ctx.filename, element_id=activity.get("id"), line=loop.sourceline, options=options
    )


def _standard_loop(ctx: ElementContext, loop: etree._Element) -> None:
    condition = loop.find(bpmn("loopCondition"))
    if condition is not None and (condition.text or "").strip():
        owner = loop.getparent() if loop.getparent() is not None else loop
        check_source(ctx, condition.text, owner=owner, line=condition.sourceline, what=_LOOP)


def _conditional_event(ctx: ElementContext, definition: etree._Element) -> None:
    condition = definition.find(bpmn("condition"))
    owner = definition.getparent() if definition.getparent() is not None else definition
    line = condition.sourceline if condition is not None else definition.sourceline
    check_source(ctx, condition.text if condition is not None else None, owner=owner, line=line, what=_CONDITION)


EXPRESSION_HANDLERS: dict[str, Callable[[ElementContext, etree._Element], None]] = {
    bpmn("sequenceFlow"): _sequence_flow,
    bpmn("scriptTask"): _script_task,
    spiff("preScript"): _spiff_script(_PRE_SCRIPT),
    spiff("postScript"): _spiff_script(_POST_SCRIPT),
    bpmn("timerEventDefinition"): _timer,
    bpmn("multiInstanceLoopCharacteristics"): _multi_instance,
    bpmn("standardLoopCharacteristics"): _standard_loop,
    bpmn("conditionalEventDefinition"): _conditional_event,
}
