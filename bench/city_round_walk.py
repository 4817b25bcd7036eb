"""The city-round benchmark's parts: the database (demo data plus bench wards and their officers), the served
service (as `make run` serves it: threaded HTTP, timer loop, embedded converter) and the walk through the API."""

from __future__ import annotations

import logging
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from service.demo.round import COUNCIL

from .client import ApiClient
from .server import _healthy, free_port

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026
MOVEMENT = "CDS_2021_2030"
RETRY_PAUSE = 0.05
MAX_RETRIES = 200


def unit_code(index: int) -> str:
    return f"BENCH_W{index:03d}"


def prepare_database(url: str, units: int) -> None:
    """Demo data (with the public notice shortened to seconds) plus `units` wards, each with an officer and a
    head, and a 2025 DX score above the eligibility threshold."""
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from service.db import make_engine, make_session_factory
    from service.demo import DEMO_DX_SCORES
    from service.demo.round import PASSWORD, _prepare_database
    from service.models import User
    from service.nomination import dx_scores
    from service.operations import admin
    from service.operations import auth as auth_operations

    _prepare_database(url)
    # The hash records its own cost, so the server still verifies the real algorithm; creating 2 users a
    # unit at production cost would take minutes.
    auth_operations._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        scores = [DEMO_DX_SCORES.rstrip("\n")]
        for index in range(units):
            code = unit_code(index)
            admin.create_org_unit(session, actor=None, values={
                "code": code, "name": f"Ủy ban nhân dân phường Thử Nghiệm {index + 1}", "abbreviation": "UBND",
                "kind": "commune_peoples_committee", "parent_code": "UBND_DN"})
            for role, prefix in (("unit_officer", "officer"), ("unit_head", "head")):
                admin.create_user(session, actor=None, values={
                    "username": f"{prefix}_{code.lower()}", "password": PASSWORD, "full_name": f"{prefix} {code}",
                    "org_unit_code": code, "roles": [role]})
            scores.append(f"{code},2025,{85 + index % 10}.00,{5 + index}")
        sysadmin = session.scalar(select(User).where(User.username == "sysadmin"))
        dx_scores.import_scores(session, actor=sysadmin, source="\n".join(scores).encode() + b"\n",
                                edition_number="2386/QĐ-UBND")
        session.commit()
    engine.dispose()


def serve(url: str, port: int, converters: int | None) -> None:
    """Serve `url` on `port` as `make run` does; runs until killed."""
    from werkzeug.serving import make_server

    from service.app import create_app
    from service.config import Settings
    from service.pdf.service import start_embedded_converter
    from service.worker import TimerLoop

    logging.basicConfig(level=logging.WARNING)
    app = create_app(Settings(database_url=url, secret_key=secrets.token_hex(16), pdf_background=True,
                              pdf_converters=converters))
    start_embedded_converter(app)
    TimerLoop(app.extensions["vinhdanh"].session_factory, interval=0.5).start()
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


def start_server(url: str, converters: int | None) -> tuple[subprocess.Popen, int]:
    """The service in its own process (the clients must not share its interpreter); waits until it answers."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="vinhdanh-city-round-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "bench.bench_city_round", "serve", url, str(port),
                                str(converters or 0)],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while not _healthy(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the service did not start; see {log.name}")
        time.sleep(0.2)
    return process, port


@dataclass
class Walk:
    """What the clients saw: 409s retried, request count."""

    port: int
    password: str
    conflicts: int = 0
    requests: int = 0
    tokens: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token(self, client: ApiClient, user: str) -> str:
        with self.lock:
            known = self.tokens.get(user)
        if known is None:
            known = client.token_for(user, self.password)
            with self.lock:
                self.tokens[user] = known
        return known

    def call(self, client: ApiClient, method: str, path: str, user: str, body: dict | None = None) -> dict:
        """One call; a 409 is counted and retried (a client would), anything else >= 400 stops the bench."""
        for _ in range(MAX_RETRIES):
            reply = client.call(method, path, body, token=self.token(client, user))
            with self.lock:
                self.requests += 1
                self.conflicts += reply.status == 409
            if reply.status != 409:
                if reply.status >= 400:
                    raise SystemExit(f"{method} {path} as {user}: {reply.status} {reply.body}")
                return reply.body
            time.sleep(RETRY_PAUSE)
        raise SystemExit(f"{method} {path} as {user}: still 409 after {MAX_RETRIES} tries")

    def act(self, client: ApiClient, user: str, instance_id: int, element_id: str, data: dict | None = None) -> dict:
        """Complete the open task `element_id` of the instance as `user` (waiting briefly for timers)."""
        for _ in range(300):
            tasks = self.call(client, "GET", f"/api/v1/tasks?instance_id={instance_id}&limit=500", user)["items"]
            found = [task for task in tasks if task["element_id"] == element_id]
            if found:
                return self.call(client, "POST", f"/api/v1/tasks/{found[0]['id']}/complete", user,
                                 {"data": data or {}})
            time.sleep(0.1)
        raise SystemExit(f"no open task {element_id!r} for {user} in instance {instance_id}")


def nominees_of(index: int, count: int) -> list[dict]:
    """The ward itself and its people, as the draft form sends them."""
    code = unit_code(index)
    rows = [{"kind": "collective", "name": f"Ủy ban nhân dân phường Thử Nghiệm {index + 1}",
             "subject_org_unit_code": code, "tasks_completed": True}]
    rows += [{"kind": "individual", "name": f"Nguyễn Văn {index + 1}-{person}", "annual_rating": "excellent",
              "initiatives": [{"title": "Số hóa hồ sơ", "recognised": True}]} for person in range(1, count)]
    return [{**row, "achievement_key": f"CDS-{YEAR}-{code}-{number}", "award_form":
             "city_chairman_certificate_of_merit", "achievement_summary": f"{row['name']}: thành tích chuyển đổi số."}
            for number, row in enumerate(rows[:count])]


def walk_dossier(walk: Walk, client: ApiClient, round_id: int, index: int, nominees: int) -> None:
    """One ward's dossier from draft to the lead agency's acceptance, as its officer, head and superior."""
    code = unit_code(index).lower()
    officer, head = f"officer_{code}", f"head_{code}"
    dossier = walk.call(client, "POST", "/api/v1/dossiers", officer, {"round_id": round_id})
    instance = dossier["instance_id"]
    walk.act(client, officer, instance, "draft", {"nominees": nominees_of(index, nominees)})
    walk.act(client, officer, instance, "council_minutes", {
        "meeting_date": f"{YEAR}-11-20", "meeting_start": "08:00", "meeting_end": "10:30",
        "council_chair": COUNCIL[0][0], "council_chair_position": COUNCIL[0][1],
        "council_secretary": COUNCIL[-1][0], "council_secretary_position": "Thư ký Hội đồng",
        "council_attendees": [{"name": name, "position": position} for name, position in COUNCIL],
        "council_members_total": 9, "council_members_present": 8, "nominees": [{"votes_for": 8}] * nominees})
    walk.act(client, head, instance, "head_sign", {"decision": "approve"})
    walk.act(client, "superior_city", instance, "superior_confirm", {"decision": "approve"})
    walk.act(client, officer, instance, "submit", {})
    walk.act(client, "reviewer_skhcn", instance, "lead_review", {"decision": "accept"})


def walk_dossiers(walk: Walk, round_id: int, units: int, nominees: int, clients: int) -> None:
    """`clients` officers' sessions working at once, each taking the next ward's dossier."""
    wards: queue.Queue[int] = queue.Queue()
    for index in range(units):
        wards.put(index)
    failures: list[BaseException] = []

    def work() -> None:
        client = ApiClient(walk.port)
        try:
            while True:
                try:
                    index = wards.get_nowait()
                except queue.Empty:
                    return
                walk_dossier(walk, client, round_id, index, nominees)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def walk_round(walk: Walk, units: int, nominees: int, clients: int) -> tuple[int, float]:
    """Open the round, walk the dossiers, and the round to the Chairman's decision; (round id, seconds)."""
    from service.db import utcnow

    client = ApiClient(walk.port)
    rounds = walk.call(client, "GET", f"/api/v1/rounds?movement={MOVEMENT}&year={YEAR}", "reviewer_skhcn")["items"]
    planned = next(item for item in rounds if item["kind"] == "annual")
    started = time.perf_counter()
    if planned["status"] == "planned":
        opened = walk.call(client, "POST", f"/api/v1/rounds/{planned['id']}/open", "reviewer_skhcn", {
            "deadline": (utcnow() + timedelta(days=14)).isoformat(), "total_quota": units * nominees})
    else:  # the demo data opens it (so that `make run` accepts dossiers at once): only the quota is set here
        opened = walk.call(client, "PUT", f"/api/v1/rounds/{planned['id']}/quotas", "reviewer_skhcn",
                           {"total_quota": units * nominees, "quotas": []})
    round_id, instance = opened["id"], opened["instance_id"]
    walk_dossiers(walk, round_id, units, nominees, clients)
    walk.call(client, "POST", f"/api/v1/rounds/{round_id}/close", "reviewer_skhcn", {"reason": "Đã nhận đủ hồ sơ"})
    walk.act(client, "reviewer_skhcn", instance, "review_consolidation", {"consolidation_note": "Đã rà soát"})
    walk.act(client, "head_skhcn", instance, "lead_sign", {"decision": "approve"})
    walk.act(client, "ec_snv", instance, "appraise", {"decision": "approve"})
    for _ in range(300):  # the public notice (shortened to seconds) ends in the server's timer loop
        open_now = {task["element_id"] for user in ("ec_snv", "council_city", "director_snv") for task in
                    walk.call(client, "GET", f"/api/v1/tasks?instance_id={instance}", user)["items"]}
        if open_now:
            break
        time.sleep(0.2)
    if "review_comments" in open_now:
        walk.act(client, "ec_snv", instance, "review_comments", {})
    walk.act(client, "council_city", instance, "council_standing_review", {"decision": "approve"})
    walk.act(client, "director_snv", instance, "home_affairs_submit", {"decision": "approve"})
    walk.act(client, "chairman", instance, "chairman_decide", {"decision": "approve_all", "signed_as": "chairman"})
    seconds = time.perf_counter() - started
    client.close()
    return round_id, seconds


def stop_server(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
