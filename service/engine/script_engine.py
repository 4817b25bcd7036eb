"""The script engine every workflow runs with: sandboxed expressions and registered services."""

from __future__ import annotations

import copy
import json

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .sandbox import SandboxedEnvironment
from .sandbox.compiler import check_source
from .sandbox.errors import SandboxError
from .service_tasks import get_handler


class VinhDanhScriptEngine(PythonScriptEngine):
    def evaluate(self, task, expression, external_context=None):
        """As SpiffWorkflow's, but a sandbox refusal is named in the message (it only said "Error evaluating")."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SandboxError as exc:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {exc}", task=task, exception=exc) from exc
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            message = f"Error evaluating expression '{expression}'"
            raise WorkflowTaskException(message, task=task, exception=exc) from exc

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        """Dispatch to a registered handler; its JSON result goes to the task's result variable."""
        try:
            handler = get_handler(operation_name)
            params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
            result = handler(copy.deepcopy(task.data), **params)
            return json.dumps(result)
        except Exception as exc:
            raise WorkflowTaskException(
                f"service task {operation_name!r} failed: {exc}", task=task, exception=exc) from exc


_environment = SandboxedEnvironment(isolated=True)


def make_engine() -> VinhDanhScriptEngine:
    return VinhDanhScriptEngine(environment=_environment)


def check_script(source: str) -> str | None:
    """Why a diagram's expression or script would be refused by the sandbox, or None."""
    try:
        check_source(source, "exec")
    except SyntaxError as exc:
        return f"syntax error: {exc.msg} (line {exc.lineno})"
    except SandboxError as exc:
        return str(exc)
    return None
