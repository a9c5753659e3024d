"""Two app replicas behind nginx (deploy/nginx/porte-voix.conf, as shipped) on one PostgreSQL:
sign-in and a file upload through the proxy, a contribution written on one replica seen on the
other's live overview, and one replica stopped while the other keeps serving."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import urllib.request

import pytest
from sqlalchemy import create_engine, make_url, text

from lib.core.config import ROOT
from lib.core.db import make_engine, migrate, session_scope
from lib.core.permissions import Actor
from lib.people import accounts
from tests.conftest import PASSWORD, PG_URL
from tests.e2e.conftest import (
    CHROMIUM,
    SCREENSHOTS,
    _free_port,
    open_tab,
    press,
    settle,
    shot,
    sign_in,
    start_app,
    wait_healthy,
    warm_up,
)
from tests.e2e.test_leadership_browser import metric

pytestmark = pytest.mark.e2e
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PEOPLE = {"boss": ("executive",), "emma": ("employee",), "hugo": ("hr", "employee")}


def _nginx_conf(work, listen: int, replicas: list[int]) -> str:
    """The shipped site config with this test's ports, inside a minimal main config."""
    site = (ROOT / "deploy" / "nginx" / "porte-voix.conf").read_text()
    servers = [line for line in site.splitlines() if line.strip().endswith("# replica")]
    assert len(servers) == 2, "the shipped config names two replicas"
    for line, port in zip(servers, replicas, strict=True):
        site = site.replace(line, re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", line), 1)
    site = re.sub(r"listen \d+;", f"listen 127.0.0.1:{listen};", site)
    temp = "\n".join(
        f"    {kind}_temp_path {work}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"user root;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    access_log {work}/access.log;\n{temp}\n{site}\n}}\n"
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, browser):
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the replicas share a PostgreSQL")
    if not os.path.exists(NGINX) or not os.path.exists(CHROMIUM):
        pytest.skip("nginx and Chromium are needed (apt-get install nginx-light chromium)")
    work = tmp_path_factory.mktemp("cluster")
    base = make_url(PG_URL)
    name = f"{base.database}_{os.getpid()}_cluster"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        for username, roles in PEOPLE.items():
            accounts.create_user(
                session,
                Actor.command_line(),
                username=username,
                full_name=username.title(),
                email=f"{username}@example.com",
                roles=list(roles),
                password=PASSWORD,
            )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORTE_VOIX_COOKIE_KEY": secrets.token_urlsafe(48),  # shared: a cookie is valid on every replica
    }
    ports = [_free_port(), _free_port()]
    replicas = [start_app(port, env) for port in ports]
    listen = _free_port()
    (work / "nginx.conf").write_text(_nginx_conf(work, listen, ports))
    proxy = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        for port, proc in zip(ports, replicas, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
        wait_healthy(f"http://127.0.0.1:{listen}/healthz", proxy)
        for port in ports:
            warm_up(browser, f"http://127.0.0.1:{port}")
        yield {
            "proxy": f"http://127.0.0.1:{listen}",
            "replicas": [f"http://127.0.0.1:{p}" for p in ports],
            "processes": replicas,
            "engine": engine,
        }
    finally:
        for proc in [*replicas, proxy]:
            proc.terminate()
            proc.wait(timeout=15)
        engine.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _page(browser):
    return browser.new_context(viewport={"width": 1400, "height": 900}).new_page()


def _contributions(page) -> int:
    return int(re.sub(r"\D", "", metric(page, "Contributions")) or 0)


def test_a_contribution_on_one_replica_reaches_the_other_replicas_live_overview(cluster, browser):
    first, second = cluster["replicas"]
    boss = _page(browser)
    sign_in(boss, first, "boss", path="leadership_overview")
    boss.locator('[data-testid="stMetric"]').or_(boss.get_by_text("Nothing to show yet")).first.wait_for()
    before = _contributions(boss) if boss.locator('[data-testid="stMetric"]').count() else 0

    emma = _page(browser)
    sign_in(emma, second, "emma", path="my_contributions")
    emma.get_by_role("textbox", name="URL").fill("https://www.linkedin.com/posts/emma-replicas-1")
    emma.get_by_role("spinbutton", name="Impressions").fill("700")
    press(emma.get_by_role("button", name="Log the contribution"))
    emma.get_by_text("Contribution logged").first.wait_for()

    # Within one live refresh (15 s), with no click on the overview's replica.
    boss.wait_for_function(
        """n => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m => {
            const label = m.querySelector('[data-testid="stMetricLabel"]');
            const value = m.querySelector('[data-testid="stMetricValue"]');
            return label && value && label.innerText.trim() === 'Contributions'
                && parseInt(value.innerText.replace(/\\D/g, ''), 10) === n;
        })""",
        arg=before + 1,
        timeout=40_000,
    )
    shot(boss, "replicas_01_overview_updated")
    boss.context.close()
    emma.context.close()


def test_sign_in_and_a_roster_upload_through_the_proxy(cluster, browser):
    page = _page(browser)
    sign_in(page, cluster["proxy"], "hugo", path="participation")
    page.get_by_role("heading", name="Participation").wait_for()
    open_tab(page, "Roster")
    upload = SCREENSHOTS / "replicas_roster.csv"
    SCREENSHOTS.mkdir(exist_ok=True)
    upload.write_text(
        "email,full_name,department,team,manager_email,job_title,start_date,status,left_on\n"
        "nina@replicas.example,Nina Roy,Proxy Sales,North,,Consultant,2024-01-02,active,\n"
    )
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_text("Preview: 1 to create").first.wait_for()
    press(page.get_by_role("button", name=re.compile(r"Apply the import")))
    page.get_by_text("Import done: 1 created").first.wait_for()
    shot(page, "replicas_02_upload_through_proxy")
    page.context.close()


def test_stopping_one_replica_leaves_the_other_serving(cluster, browser):
    cluster["processes"][0].terminate()
    cluster["processes"][0].wait(timeout=15)
    for _ in range(6):  # whichever replica a new browser's route hashes to
        with urllib.request.urlopen(f"{cluster['proxy']}/healthz", timeout=5) as r:
            assert r.status == 200
    page = _page(browser)
    sign_in(page, cluster["proxy"], "emma", path="my_contributions")
    page.get_by_role("heading", name="My contributions").wait_for()
    settle(page)
    shot(page, "replicas_03_one_replica_left")
    page.context.close()
