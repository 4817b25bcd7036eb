"""The field-level diff of two submissions: fields, list rows matched and compared, files."""

from __future__ import annotations

from service.operations import attachments
from service.operations.submission_diff import diff_rows, diff_values

from .conftest import DRAFT, complete, open_task
from .test_sign_off import PDF


def test_fields_added_removed_changed():
    fields, lists = diff_values({"a": 1, "b": "x", "c": "keep", "gone": 2}, {"a": 2, "b": "x", "c": "keep", "new": 5},
                                {"a": "Số phiếu"})
    assert [(f.key, f.label, f.kind, f.before, f.after) for f in fields] == [
        ("a", "Số phiếu", "changed", 1, 2), ("gone", "gone", "removed", 2, None), ("new", "new", "added", None, 5)]
    assert lists == {}


def test_rows_matched_by_identity_not_position():
    before = [{"nominee_id": 1, "name": "An", "title": "CSTĐ"}, {"nominee_id": 2, "name": "Bình"}]
    after = [{"nominee_id": 3, "name": "Cường"}, {"nominee_id": 1, "name": "An", "title": "Bằng khen"}]
    changes = diff_rows(before, after)
    assert [(c.row, c.kind) for c in changes] == [("3", "added"), ("1", "changed"), ("2", "removed")]
    [title] = changes[1].fields
    assert (title.key, title.before, title.after) == ("title", "CSTĐ", "Bằng khen")
    _, lists = diff_values({"nominees": before}, {"nominees": after})
    assert list(lists) == ["nominees"]
    # Without an identity, rows are compared by position.
    assert [(c.row, c.kind) for c in diff_rows([{"x": 1}], [{"x": 1}, {"x": 2}])] == [("#2", "added")]


def test_files_added_and_removed_between_submissions(session, people, start_case):
    from service.operations import sign_off, task_workspace

    officer, head = people["officer"], people["head"]
    instance, draft = start_case()
    kept = attachments.add_attachment(session, actor=officer, task_id=draft.id, filename="a.pdf", content=PDF)
    dropped = attachments.add_attachment(session, actor=officer, task_id=draft.id, filename="b.pdf", content=PDF)
    session.commit()
    complete(session, officer, draft, DRAFT)
    sign_off.sign_off(session, actor=head, task_id=open_task(session, instance, "sign").id, decision="return",
                      reason="Thiếu báo cáo")
    session.commit()
    redo = open_task(session, instance, "draft")
    # The uploader takes back, from the open task, a file attached on the first pass.
    attachments.remove_attachment(session, actor=officer, task_id=redo.id, attachment_id=dropped.id)
    added = attachments.add_attachment(session, actor=officer, task_id=redo.id, filename="c.pdf", content=PDF)
    session.commit()
    task_workspace.submit(session, actor=officer, task_id=redo.id, data=DRAFT)
    session.commit()
    review = task_workspace.task_workspace(session, actor=head, task_id=open_task(session, instance, "sign").id)
    assert review.diff.fields == [] and [a.id for a in review.diff.attachments_added] == [added.id]
    assert [a.id for a in review.diff.attachments_removed] == [dropped.id]
    assert [a.filename for a in review.attachments] == ["a.pdf", "c.pdf"] and kept.id
