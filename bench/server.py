"""What the browser and load benchmarks share: the demo database (seeded once, then cached), the
benchmark's accounts, the app served by `streamlit run`, and the server's own log of its runs.

The demo is seeded by `python -m lib.cli load-demo` into a file under the cache directory
(`PORTE_VOIX_BENCH_CACHE`, default `~/.cache/porte-voix-bench`), named after its size, and reused
while that file exists (seeding 1,000,000 contributions takes minutes). `--database-url` uses a
given database instead, seeded first when it holds no organisation.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, select, update

from lib.core.config import ROOT
from lib.core.db import make_engine, migrate, session_scope
from lib.core.models import Department, User, UserRole
from lib.people.accounts import hash_password

PASSWORD = "porte-voix-bench-2026"  # set on the benchmark's accounts in its own database only
CACHE = Path(os.environ.get("PORTE_VOIX_BENCH_CACHE") or Path.home() / ".cache" / "porte-voix-bench")
ROLES = ("executive", "hr", "admin", "employee")


def add_database_arguments(parser) -> None:
    parser.add_argument("--database-url", help="use this database (seeded first if it holds no organisation)")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument(
        "--contributions", type=int, help="contributions in the demo (default: 100 per employee)"
    )
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=42)


def demo_database(args) -> str:
    """The URL of a database holding the demo organisation: --database-url (seeded when empty) or
    the cached file of this size (seeded on first use)."""
    contributions = args.contributions if args.contributions is not None else 100 * args.employees
    if args.database_url:
        if _is_empty(args.database_url):
            _seed(args.database_url, args, contributions)
        return args.database_url
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"demo-e{args.employees}-c{contributions}-d{args.days}-s{args.seed}"
    path = CACHE / f"{name}.db"
    if not path.exists():
        partial = CACHE / f"{name}.partial.db"
        partial.unlink(missing_ok=True)
        _seed(f"sqlite:///{partial}", args, contributions)
        partial.rename(path)  # only a complete demo is ever reused
    return f"sqlite:///{path}"


def _is_empty(url: str) -> bool:
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine, write=False) as session:
        empty = not session.scalar(select(func.count()).select_from(Department))
    engine.dispose()
    return empty


def _seed(url: str, args, contributions: int) -> None:
    print(f"seeding {args.employees} employees, {contributions} contributions into {url}…", file=sys.stderr)
    started = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "lib.cli", "load-demo", "--password-stdin"),
            *("--employees", str(args.employees), "--days", str(args.days), "--seed", str(args.seed)),
            *("--contributions", str(contributions)),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        input=PASSWORD + "\n",
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def accounts(url: str) -> dict[str, str]:
    """One account per role ({role: username}), each given PASSWORD and ready to sign in."""
    engine = make_engine(url)
    migrate(engine)
    hashed = hash_password(PASSWORD)
    found: dict[str, str] = {}
    with session_scope(engine) as session:
        for role in ROLES:
            others = select(UserRole.user_id).where(UserRole.role != role)
            only = ~User.id.in_(others) if role == "employee" else True  # an employee and nothing else
            user = session.scalar(
                select(User)
                .join(UserRole)
                .where(UserRole.role == role, User.is_active, only)
                .order_by(User.password_hash.is_(None), User.id)
                .limit(1)
            )
            if user is not None:
                found[role] = user.username
        session.execute(
            update(User)
            .where(User.username.in_(found.values()))
            .values(
                password_hash=hashed,
                must_change_password=False,
                failed_logins=0,
                locked_until=None,
                language="en",
            )
        )
    engine.dispose()
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """`streamlit run app.py` on a free port, its operator log (runs at DEBUG) in `log`."""

    def __init__(self, url: str, log: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PORTE_VOIX_LOG_LEVEL": "DEBUG",
            "PORTE_VOIX_LOG_FORMAT": "plain",
            "PORTE_VOIX_COOKIE_KEY": os.environ.get("PORTE_VOIX_COOKIE_KEY") or secrets.token_urlsafe(48),
            **(env or {}),
        }
        self.cookie_key = env["PORTE_VOIX_COOKIE_KEY"]
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "streamlit", "run", "app.py"),
                *("--server.port", str(self.port), "--server.address", "127.0.0.1"),
                *(
                    "--server.headless",
                    "true",
                    "--browser.gatherUsageStats",
                    "false",
                    "--server.fileWatcherType",
                    "none",
                ),
            ],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the app exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the app never answered; see {self.log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._out.close()


_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def runs(log: Path, start: int = 0) -> tuple[list[dict], int]:
    """The `script_run` lines of the operator log from byte `start`, and the offset after them."""
    data = log.read_bytes()[start:]
    found = []
    for line in data.decode(errors="replace").splitlines():
        if " script_run " in line:
            fields = dict(_FIELD.findall(line))
            fields["seconds"] = float(fields.get("seconds", 0))
            fields["cpu_seconds"] = float(fields.get("cpu_seconds", 0))
            found.append(fields)
    return found, start + len(data)


def memory_mb(pid: int) -> float:
    """Resident memory of process `pid` (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def spread(values: list[float]) -> dict[str, float]:
    """Median, 95th percentile (nearest rank) and count of `values`, in seconds."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return {"median": round(statistics.median(ordered), 3), "p95": round(p95, 3), "n": len(ordered)}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
