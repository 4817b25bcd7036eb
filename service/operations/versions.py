"""Process versions as the runtime needs them: parsed specs, task metadata and forms, cached.

A version never changes once deployed, so its parsed spec and JSON are kept in a small in-process
cache keyed by the version id. Ids are never reused in a running system (deployments are never
deleted); the test suite, which empties its tables between tests, clears the cache with them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine.serialization import specs_from_dict
from ..models import Deployment, ProcessVersion


@dataclass(frozen=True)
class LoadedVersion:
    id: int
    process_key: str
    content_hash: str
    specs: dict[str, Any]
    subprocess_specs: dict[str, Any]
    task_metadata: dict[str, dict]
    forms: dict[str, dict]

    def task_meta(self, process_id: str | None, element_id: str) -> dict:
        """A human task's metadata: its own process first, else any process of the bundle."""
        own = (self.task_metadata.get(process_id or self.process_key) or {}).get(element_id)
        if own is not None:
            return own
        return next((tasks[element_id] for tasks in self.task_metadata.values() if element_id in tasks), {})


class _VersionCache:
    def __init__(self, size: int = 256):
        self._size = size
        self._items: OrderedDict[tuple, LoadedVersion] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> LoadedVersion | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value: LoadedVersion) -> None:
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


version_cache = _VersionCache()


def load_version(session: Session, version_id: int) -> LoadedVersion:
    # Within one transaction the identity cannot change: look it up once per session transaction.
    known = session.info.setdefault("vinhdanh_versions", {})
    if version_id in known:
        return known[version_id]
    known[version_id] = loaded = _load_version(session, version_id)
    return loaded


def _load_version(session: Session, version_id: int) -> LoadedVersion:
    # Deployed versions are immutable and their ids are never reused (deployments are never deleted;
    # tests that empty the tables clear the cache): the id alone is the key, so a cached step reads no row.
    key = (session.get_bind().url.render_as_string(hide_password=True), version_id)  # several databases per process
    loaded = version_cache.get(key)
    if loaded is not None:
        return loaded
    row = session.execute(
        select(ProcessVersion.process_key, Deployment.content_hash, ProcessVersion.spec,
               ProcessVersion.task_metadata, ProcessVersion.forms)
        .join(Deployment, Deployment.id == ProcessVersion.deployment_id)
        .where(ProcessVersion.id == version_id)
    ).one()
    specs, subs = specs_from_dict(row.spec)
    loaded = LoadedVersion(version_id, row.process_key, row.content_hash, specs, subs,
                           row.task_metadata or {}, row.forms or {})
    version_cache.put(key, loaded)
    return loaded
