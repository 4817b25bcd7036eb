"""The audit chain's digest is the SHA-256 of one fixed JSON spelling: stored hashes must keep verifying."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from service.operations import audit

AT = datetime(2026, 12, 5, 3, 4, 5, 678901, tzinfo=UTC)


@pytest.mark.parametrize("details", [
    {},
    {"task_id": "0b7f5a52-3c1e-4d55-9a61-2f0e8c1d7a90", "data": {"decision": "approve", "score": 87.5}},
    {"tên": "Phường Hải Châu", "items": [1, 2.25, None, True, {"b": 1, "a": [0.1, 1e-07, 1e16]}]},
    {"when": AT, "big": 10 ** 40, "nan": float("nan")},  # default=str, integers beyond 64 bits, NaN as json spells them
])
def test_digest_is_the_hash_of_the_canonical_json_dump(details):
    expected_text = json.dumps(["0" * 64, AT.isoformat(), "instance:7", 3, "officer", "task.completed", "t1", details],
                               sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    expected = hashlib.sha256(expected_text.encode()).hexdigest()
    assert audit._digest("0" * 64, AT, "instance:7", 3, "officer", "task.completed", "t1", details) == expected


def test_a_known_event_keeps_its_known_hash():
    # Written down once: a change of spelling (key order, spaces, escapes) would change every stored hash.
    digest = audit._digest(audit.GENESIS, AT, "instance:1", 1, "officer", "instance.started", None,
                           {"process_key": "demo_approval", "version": 1, "org_unit_code": "SKHCN"})
    assert digest == hashlib.sha256(
        ('["' + "0" * 64 + '","2026-12-05T03:04:05.678901+00:00","instance:1",1,"officer","instance.started",null,'
         '{"org_unit_code":"SKHCN","process_key":"demo_approval","version":1}]').encode()).hexdigest()
