"""Checking a .docx template before it may be used: the Jinja it carries runs in a sandbox, every placeholder
must resolve against a kind's sample data, and no tag may reach Python internals.

docxtpl turns the document into one Jinja source per part with each paragraph on its own line, so the line
a placeholder was evaluated on names the paragraph it sits in: that is how an unresolved name is reported with
the text around it. Unresolved names are caught as they are evaluated (an Undefined that records itself), so a
name used in a loop over the sample data, in a branch taken, or as `item.field` of a list is found as well.
"""

from __future__ import annotations

import html
import io
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, TemplateError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing

from service.documents.rendering import render

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_PARTS = {"/word/document.xml": "body"}
MAX_EXCERPT = 160


def _excerpt(xml_line: str) -> str:
    text = _SPACE.sub(" ", html.unescape(_TAG.sub("", xml_line))).strip()
    return text[:MAX_EXCERPT - 1] + "…" if len(text) > MAX_EXCERPT else text


@dataclass(frozen=True)
class Place:
    """Where a name appears: the part ("body", "header_footer" or "properties") and its paragraph's text."""

    part: str
    text: str


@dataclass(frozen=True)
class Finding:
    """A name the template uses that the data lacks (or may not reach), with the paragraphs it appears in."""

    name: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class TemplateCheck:
    """The outcome of rendering a template with sample data in the recording sandbox."""

    unresolved: tuple[Finding, ...] = ()
    unsafe: tuple[Finding, ...] = ()
    error: str | None = None
    content: bytes | None = None  # the rendered .docx, when it rendered

    @property
    def passed(self) -> bool:
        return not (self.unresolved or self.unsafe or self.error)


@dataclass
class _Recorder:
    unresolved: dict[str, list[Place]] = field(default_factory=dict)
    unsafe: dict[str, list[Place]] = field(default_factory=dict)
    # Template object → (part label, its source lines); id(container) → its path in the data.
    sources: dict[int, tuple[str, list[str]]] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)
    mapped: set[int] = field(default_factory=set)

    def note(self, bucket: dict[str, list[Place]], name: str) -> None:
        place = self._place()
        places = bucket.setdefault(name, [])
        if place and place not in places:
            places.append(place)

    def places_mentioning(self, name: str) -> list[Place]:
        return [Place(part, _excerpt(line)) for part, lines in self.sources.values() for line in lines if name in line]

    def path_of(self, obj: Any) -> str:
        self._map_frame_context()
        return self.paths.get(id(obj), f"({type(obj).__name__})")

    def _template_frame(self) -> Any:
        frame = sys._getframe(1)
        while frame is not None and "__jinja_template__" not in frame.f_globals:
            frame = frame.f_back
        return frame

    def _place(self) -> Place | None:
        frame = self._template_frame()
        if frame is None:
            return None
        template = frame.f_globals["__jinja_template__"]
        part, lines = self.sources.get(id(template), ("", []))
        line = template.get_corresponding_lineno(frame.f_lineno)
        text = _excerpt(lines[line - 1] if 0 < line <= len(lines) else "")
        return Place(part, text)

    def _map_frame_context(self) -> None:
        frame = self._template_frame()
        context = frame.f_locals.get("context") if frame is not None else None
        if context is None or id(context) in self.mapped:
            return
        self.mapped.add(id(context))

        def walk(value: Any, path: str) -> None:
            if isinstance(value, dict):
                self.paths.setdefault(id(value), path)
                for key, item in value.items():
                    walk(item, f"{path}.{key}" if path else str(key))
            elif isinstance(value, list):
                self.paths.setdefault(id(value), path)
                for item in value:
                    walk(item, f"{path}[]")

        walk(context.parent, "")


class _RecordingEnvironment(SandboxedEnvironment):
    """The sandbox, remembering each part's source and every name that does not resolve."""

    def __init__(self, recorder: _Recorder, docx: DocxTemplate):
        class Recording(ChainableUndefined):
            # Chainable: `missing.field` and loops over a missing list go on rendering, so that one check
            # reports every unresolved name at once rather than the first.
            def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                         exc: type[Exception] = UndefinedError) -> None:
                super().__init__(hint, obj, name, exc)
                if name is None:
                    return
                if exc is SecurityError:
                    recorder.note(recorder.unsafe, name)
                elif obj is missing:
                    recorder.note(recorder.unresolved, name)
                else:
                    recorder.note(recorder.unresolved, f"{recorder.path_of(obj)}.{name}")

        super().__init__(autoescape=True, undefined=Recording)
        self._recorder, self._docx = recorder, docx

    def from_string(self, source: Any, *args: Any, **kwargs: Any) -> Any:
        template = super().from_string(source, *args, **kwargs)
        part = getattr(getattr(self._docx, "current_rendering_part", None), "partname", "") or ""
        label = _PARTS.get(str(part), "header_footer" if part else "properties")
        self._recorder.sources[id(template)] = (label, str(source).splitlines())
        return template


class _ParseOnly(SandboxedEnvironment):
    """Keeps the syntax tree docxtpl parses, to look at every tag, taken or not."""

    tree: nodes.Template | None = None

    def parse(self, source: str, *args: Any, **kwargs: Any) -> nodes.Template:
        self.tree = super().parse(source, *args, **kwargs)
        return self.tree


def internal_names(template_bytes: bytes) -> list[str]:
    """Attribute names starting with "_" anywhere in the template's tags (`''.__class__`, `x['_y']`,
    `x|attr('__globals__')`): never data, always a reach for Python internals."""
    environment = _ParseOnly()
    try:
        DocxTemplate(io.BytesIO(template_bytes)).get_undeclared_template_variables(jinja_env=environment)
    except TemplateError:
        return []  # a template that does not parse is refused as such, before this is asked
    found: list[str] = []
    for node in environment.tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)) if environment.tree else ():
        if isinstance(node, nodes.Getattr):
            names = [node.attr]
        elif isinstance(node, nodes.Getitem):
            names = [node.arg.value] if isinstance(node.arg, nodes.Const) else []
        else:
            names = [arg.value for arg in node.args if isinstance(arg, nodes.Const)] if node.name == "attr" else []
        found += [name for name in names if isinstance(name, str) and name.startswith("_") and name not in found]
    return found


def check_template(template_bytes: bytes, context: dict[str, Any]) -> TemplateCheck:
    """Render `template_bytes` with `context` in the recording sandbox and report what did not resolve.

    """
    recorder = _Recorder()
    docx = DocxTemplate(io.BytesIO(template_bytes))
    environment = _RecordingEnvironment(recorder, docx)
    content, error = None, None
    try:
        content = render(template_bytes, context, environment=environment, template=docx)
    except SecurityError:
        content = None  # the sandbox stopped a call; the names it refused are recorded already
    except TemplateError as exc:
        error = str(exc)
    for name in internal_names(template_bytes):
        recorder.unsafe.setdefault(name, [])
    for name, places in recorder.unsafe.items():
        # Jinja folds constant expressions such as `''.__class__` while compiling, outside any paragraph:
        # those are placed by the text they appear in.
        places += [place for place in recorder.places_mentioning(name) if place not in places]
    return TemplateCheck(
        unresolved=tuple(Finding(name, tuple(places)) for name, places in recorder.unresolved.items()),
        unsafe=tuple(Finding(name, tuple(places)) for name, places in recorder.unsafe.items()),
        error=error, content=content if not recorder.unsafe else None,
    )
