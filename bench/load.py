"""Load benchmark: `python -m bench.load --sessions N [--roles executive,hr] [--url URL]`.

N signed-in sessions act at once, step after step (every session starts a step together, after
all finished the previous one): executives open the Leadership overview, change its period to the
last 12 months, then its scope to a department; HR people open Participation, then My
contributions. Per step: the median and 95th percentile from the request to the session's idle
state, over the sessions.

The sessions are small clients of Streamlit's own WebSocket protocol (`/_stcore/stream`, the
streamlit package's BackMsg / ForwardMsg protobufs), not browsers: nothing is rendered, so the
measure is of the server. A period or scope change is sent as the URL the period box writes (the
overview keeps its view in the query string). Each session signs in with a remember-me cookie
minted with the app's cookie key, as the browser would send it.

Without --url the benchmark starts the app itself (`streamlit run`) on the cached demo (see
bench.server) and also reports the server's CPU time per run (from its operator log) and its
resident memory: after a first session warmed it up and closed (baseline), with the N sessions
open and idle, and --settle seconds after they closed (Streamlit keeps a closed session's state
`server.disconnectedSessionTTL` seconds; the app starts with it at 10 s).

With --url (for instance nginx in front of replicas) the server is not started: pass the
database the servers use (--database-url, to find the benchmark's accounts), and the servers'
cookie key in PORTE_VOIX_COOKIE_KEY; --pid PID adds the memory and CPU of that server process.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import jwt
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import server
from lib.core.config import Settings

QUIET = 0.5  # seconds without a new run after one ended: the session is idle
STEPS = {
    "executive": [
        ("open_overview", "leadership_overview", ""),
        ("overview_12_months", "leadership_overview", "period=last_365"),
        ("overview_department", "leadership_overview", "period=last_365&department=1"),
    ],
    "hr": [
        ("open_participation", "participation", ""),
        ("open_my_contributions", "my_contributions", ""),
    ],
}


def cookie(username: str, key: str) -> str:
    """A remember-me cookie as the app issues it (lib.ui.sign_in.issue_cookie): HS256 claims."""
    expires = time.time() + Settings.cookie_expiry_days * 86400
    return jwt.encode({"username": username, "exp_date": expires}, key, algorithm="HS256")


class Session:
    """One browser tab, as far as the server can tell."""

    def __init__(self, base: str, username: str, key: str, role: str) -> None:
        self.base, self.username, self.key, self.role = base, username, key, role
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.ws = None
        self.bytes = 0

    async def connect(self) -> float:
        parsed = urlparse(self.base)
        scheme = "wss" if parsed.scheme == "https" else "ws"
        self.ws = await websockets.connect(
            f"{scheme}://{parsed.netloc}{parsed.path.rstrip('/')}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={
                "Cookie": f"{Settings.cookie_name}={cookie(self.username, self.key)}",
                "Origin": f"{parsed.scheme}://{parsed.netloc}",
            },
            max_size=None,
            open_timeout=120,
        )
        return await self.run("", "")

    async def run(self, path: str, query: str) -> float:
        """Ask for page `path` with `query`; the seconds until the session is idle again."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        state.page_script_hash = self.pages.get(path, "")
        state.page_name = path
        state.context_info.url = f"{self.base}/{path}" + (f"?{query}" if query else "")
        state.context_info.timezone = "Europe/Paris"
        state.context_info.locale = "en-GB"
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        ended = await self._idle()
        return ended - start

    async def _idle(self) -> float:
        ended, running = None, True
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), timeout=QUIET if not running else 300)
            except TimeoutError:
                return ended
            self.bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            elif kind == "session_status_changed":
                running = fwd.session_status_changed.script_is_running
                if not running:
                    ended = time.perf_counter()

    async def close(self) -> None:
        await self.ws.close()


async def _together(sessions, step) -> list[float]:
    return list(await asyncio.gather(*(step(s) for s in sessions)))


async def drive(base: str, users: dict[str, str], key: str, n: int, roles: list[str], times) -> list[Session]:
    sessions = [Session(base, users[roles[i % len(roles)]], key, roles[i % len(roles)]) for i in range(n)]
    times["sign_in_cookie"] += await _together(sessions, Session.connect)
    for index in range(max(len(STEPS[r]) for r in roles)):
        for role in roles:
            if index < len(STEPS[role]):
                name, path, query = STEPS[role][index]
                group = [s for s in sessions if s.role == role]
                times[name] += await _together(group, lambda s, p=path, q=query: s.run(p, q))
    return sessions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    server.add_database_arguments(parser)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--roles", default="executive,hr", help="the sessions cycle through these roles")
    parser.add_argument("--rounds", type=int, default=1, help="times the N sessions are opened and closed")
    parser.add_argument("--url", help="an app already running (e.g. nginx in front of replicas)")
    parser.add_argument("--pid", type=int, help="with --url: the server process to measure")
    parser.add_argument("--settle", type=float, default=30, help="seconds to wait after closing")
    args = parser.parse_args(argv)
    roles = [r for r in args.roles.split(",") if r in STEPS]
    url = server.demo_database(args)
    users = server.accounts(url)
    load = {"before": server.load_average()}
    times: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        app = None
        if args.url:
            base, pid = args.url.rstrip("/"), args.pid
            key = os.environ.get("PORTE_VOIX_COOKIE_KEY") or sys.exit(
                "set PORTE_VOIX_COOKIE_KEY (the servers' key)"
            )
        else:
            app = server.App(url, Path(tmp) / "app.log", {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "10"})
            base, pid, key = app.base, app.proc.pid, app.cookie_key
        try:
            cpu, memory = asyncio.run(_measure(args, base, pid, app, users, key, roles, times))
        finally:
            if app:
                app.stop()
    load["after"] = server.load_average()
    steps = {name: server.spread(values) for name, values in times.items()}
    for name, s in steps.items():
        print(f"{name:<28} median {s['median']:6.3f} s  p95 {s['p95']:6.3f} s  (n={s['n']})")
    result = {
        "sessions": args.sessions,
        "roles": roles,
        "steps": steps,
        **cpu,
        "memory": memory,
        "load_average": load,
        "client": "Streamlit WebSocket protocol (streamlit.proto BackMsg/ForwardMsg), no browser",
        "server": args.url or "streamlit run app.py (started by the benchmark)",
    }
    print(json.dumps(result))
    return 0


async def _close(sessions) -> None:
    await asyncio.gather(*(s.close() for s in sessions))


async def _measure(args, base, pid, app, users, key, roles, times) -> tuple[dict, dict]:
    """Warm up with one session, then --rounds times: N sessions act, stay idle, close."""
    memory: dict[str, float] = {}
    await _close(await drive(base, users, key, 1, roles, defaultdict(list)))  # imports, caches
    await asyncio.sleep(args.settle)
    if pid:
        memory["baseline_mb"] = server.memory_mb(pid)
        cpu_before = server.cpu_seconds(pid)
    log_at = app.log.stat().st_size if app else 0
    for _ in range(args.rounds):
        sessions = await drive(base, users, key, args.sessions, roles, times)
        if pid:
            await asyncio.sleep(2)
            memory["with_sessions_mb"] = server.memory_mb(pid)
            memory["per_session_mb"] = round(
                (memory["with_sessions_mb"] - memory["baseline_mb"]) / args.sessions, 2
            )
        await _close(sessions)
        await asyncio.sleep(args.settle)
        if pid:
            memory["after_close_mb"] = server.memory_mb(pid)
    cpu: dict = {}
    if pid:
        cpu["server_cpu_s"] = round(server.cpu_seconds(pid) - cpu_before, 2)
    if app:
        done, _ = server.runs(app.log, log_at)
        full = [r for r in done if r.get("fragment") != "True"]
        cpu["runs"] = len(done)
        cpu["run_cpu_s"] = server.spread([r["cpu_seconds"] for r in full])
        cpu["run_wall_s"] = server.spread([r["seconds"] for r in full])
        by_page = defaultdict(list)
        for r in full:
            by_page[r["page"]].append(r["cpu_seconds"])
        cpu["run_cpu_s_by_page"] = {p: server.spread(v) for p, v in by_page.items()}
    return cpu, memory


if __name__ == "__main__":
    sys.exit(main())
