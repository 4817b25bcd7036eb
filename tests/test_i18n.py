"""The catalogues: every message the code and the pages use has its English text; Vietnamese is the source."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from service.i18n import Message, msg, translate

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "service/translations/en/LC_MESSAGES/messages.po"
VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
# Texts that are the same in both languages (names, symbols).
SAME_IN_BOTH = {"Vinh Danh", "English", "Tiếng Việt", "PDF", ".docx"}


def _extracted() -> set[str]:
    method_map = [("service/**.py", "python"), ("service/**/templates/**.html", "jinja2")]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords={"msg": None, "_": None, "gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_its_english_text():
    with PO.open("rb") as handle:
        catalogue = {m.id: m for m in read_po(handle, locale="en") if m.id}
    used = _extracted()
    assert len(used) > 100  # the extraction itself works
    missing = sorted(text for text in used if text not in catalogue or not catalogue[text].string)
    fuzzy = sorted(text for text in used if text in catalogue and catalogue[text].fuzzy)
    assert not missing, f"untranslated (run `make i18n`, then translate): {missing[:20]}"
    assert not fuzzy, f"fuzzy translations to check: {fuzzy[:20]}"


def test_messages_are_written_in_vietnamese_not_joined_with_english():
    for text in _extracted():
        assert VIETNAMESE.search(text) or text in SAME_IN_BOTH or not re.search(r"[A-Za-z]{4,}", text) \
            or _is_code_like(text), f"not Vietnamese: {text!r}"


def _is_code_like(text: str) -> bool:
    """Messages that name only identifiers ('limit', 'camunda:expression') are Vietnamese by their words."""
    words = re.findall(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}|'[^']*'|%\([^)]*\)s", "", text))
    return not words


def test_a_message_is_vietnamese_text_that_translates_at_the_edge():
    message = msg("Không tìm thấy công việc.")
    assert isinstance(message, Message) and message == "Không tìm thấy công việc."
    assert translate(message, "en") == "Task not found."
    assert translate(message, "vi") == "Không tìm thấy công việc."
    with_params = msg("Mật khẩu mới phải có ít nhất {count} ký tự.", count=10)
    assert with_params == "Mật khẩu mới phải có ít nhất 10 ký tự."
    assert translate(with_params, "en") == "The new password must have at least 10 characters."
    assert translate("plain text", "en") == "plain text"
