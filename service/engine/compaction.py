"""Keep a step's cost flat: drop the finished history above the live part of the task tree.

SpiffWorkflow keeps every task it ever ran; a dossier returned 50 times carries 50 loops of tasks,
and each step deserialises, walks and serialises all of them. The audit table is the history, so
after each step the tree is re-rooted at the deepest completed task that is an ancestor of every
unfinished task. Everything below that task — live work, predictions, waiting events — is kept
unchanged; only finished ancestors and their finished side branches go.
"""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState


def _path_to_root(task) -> list:
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    path.reverse()
    return path


def _compactable(workflow) -> bool:
    # Ad-hoc processes restart branches from the root; collaborations start processes from it.
    if getattr(workflow.spec, "conditional_paths", None):
        return False
    start = getattr(workflow.spec, "start", None)
    return not getattr(start, "trigger_specs", None)


def _new_root(workflow):
    live = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not live:
        return None
    common = _path_to_root(live[0])
    for task in live[1:]:
        path = _path_to_root(task)
        size = 0
        for mine, theirs in zip(common, path, strict=False):
            if mine is not theirs:
                break
            size += 1
        common = common[:size]
        if len(common) <= 1:
            return None
    # The new root must be COMPLETED: its data is final and its children already inherited it.
    for task in reversed(common):
        if task.state == TaskState.COMPLETED and task is not workflow.task_tree:
            return task
    return None


def _subtree_ids(root) -> set:
    keep, stack = set(), [root]
    while stack:
        task = stack.pop()
        keep.add(task.id)
        stack.extend(task.children)
    return keep


def compact_workflow(workflow) -> int:
    """Re-root one (sub)workflow's tree; returns the number of tasks removed."""
    if not _compactable(workflow):
        return 0
    root = _new_root(workflow)
    if root is None:
        return 0
    keep = _subtree_ids(root)
    removed = [task_id for task_id in workflow.tasks if task_id not in keep]
    for task_id in removed:
        del workflow.tasks[task_id]
    root._parent = None
    workflow.task_tree = root
    if workflow.last_task is not None and workflow.last_task.id not in keep:
        workflow.last_task = None
    return len(removed)


def compact(top_workflow) -> int:
    """Compact the top workflow and its subprocesses; drop finished subprocesses no task refers to."""
    removed = compact_workflow(top_workflow)
    for subprocess in list(top_workflow.subprocesses.values()):
        removed += compact_workflow(subprocess)
    known = set(top_workflow.tasks)
    for subprocess in top_workflow.subprocesses.values():
        known.update(subprocess.tasks)
    for task_id, subprocess in list(top_workflow.subprocesses.items()):
        if task_id not in known and subprocess.completed:
            del top_workflow.subprocesses[task_id]
    return removed
