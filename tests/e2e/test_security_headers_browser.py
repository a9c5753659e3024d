"""The app served through deploy/nginx/porte-voix.conf (issue 10, hardening): the security headers
arrive, and the Content-Security-Policy blocks nothing the app needs (sign-in, pages, plotly charts,
the cookie component's frame): not one violation reported by Chromium."""

import re
import shutil
import subprocess
import urllib.request

import pytest

from lib.core.config import ROOT
from tests.e2e.conftest import _free_port, sign_in

CONF = ROOT / "deploy" / "nginx" / "porte-voix.conf"


@pytest.fixture
def proxy(server, tmp_path):
    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    upstream = server["base"].removeprefix("http://")
    port = _free_port()
    site = re.sub(r"^\s*server .*# replica\n", "", CONF.read_text(), flags=re.MULTILINE)
    site = site.replace("hash $pv_route consistent;", f"hash $pv_route consistent;\n    server {upstream};")
    site = re.sub(r"listen \d+;", f"listen 127.0.0.1:{port};", site)
    (tmp_path / "nginx.conf").write_text(
        # The worker runs as root, as the master does: a worker that cannot write its temporary
        # files in pytest's private directory cuts large responses short (plotly's script), so
        # charts never drew through this proxy once the shared database had activity.
        f"user root;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path};\nproxy_temp_path {tmp_path};\n"
        f"{site}\n}}\n"
    )
    proc = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stderr.read().decode())
            subprocess.run(["sleep", "0.1"], check=False)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_headers_arrive_and_the_policy_blocks_nothing_the_app_needs(proxy, page):
    with urllib.request.urlopen(proxy, timeout=10) as response:
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        sign_in(page, proxy, "boss", path="leadership_overview")
        page.get_by_role("heading", name="Leadership overview").wait_for()
        page.locator(".js-plotly-plot").or_(page.get_by_text("Nothing to show yet")).first.wait_for()
    finally:
        assert violations == [], "\n".join(violations)
