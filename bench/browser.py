"""Browser benchmark: `python -m bench.browser [--database-url URL] [--employees N] [--runs R]`.

Seeds (or reuses, see bench.server) the demo organisation, starts the app as `streamlit run` does,
and drives headless Chromium through every page of each role and the common interactions, as
people use the app: the sign-in page's first paint, a sign-in, each page of the menu opened for the
first time in the session (`open:`), then again (`nav:`), period and scope changes, tab switches,
a person's file, the points tab, a form submit.

Each step is timed from the click (or the request) to Streamlit's idle state: the last time the
app's root went back to `notRunning` with no new run within QUIET_MS, so that extra reruns count.
Per step: the median and 95th percentile over --runs sessions (each a fresh browser context), the
first session's figure (`cold`: the server's caches empty), and the server's own time for the
runs of the step (from its operator log, lib/ui/run_log.py). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench import server
from lib.core.screens import visible_screens

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
QUIET_MS = 600  # a run starting within this time of the previous one's end belongs to the same step
NO_RUN_MS = 4000  # no run started this long after the action: the browser handled it alone
ROOT_SELECTOR = '[data-testid="stApp"]'
# Records every change of the app root's run state, with its time (performance.now()).
WATCH = """
window.__pvRuns = [];
new MutationObserver((changes) => {
  for (const c of changes) {
    if (c.target.matches && c.target.matches('[data-testid="stApp"]')) {
      window.__pvRuns.push([c.target.getAttribute('data-test-script-state'), performance.now()]);
    }
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""
SETTLED = """([since, quiet, none]) => {
  const runs = window.__pvRuns.filter(r => r[1] > since);
  const root = document.querySelector('[data-testid="stApp"]');
  if (!runs.length && performance.now() - since > none) return -1;
  if (!runs.length || !root || root.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const last = runs[runs.length - 1];
  return last[0] === 'notRunning' && performance.now() - last[1] > quiet ? last[1] - since : false;
}"""


class Driver:
    """One signed-in browser session, timing steps into `times` and the server's runs into `server_s`."""

    def __init__(self, browser, app: server.App, times: dict, server_s: dict) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.add_init_script(WATCH)
        self.app, self.times, self.server_s = app, times, server_s
        self._log_at = app.log.stat().st_size

    def close(self) -> None:
        self.context.close()

    def _idle(self) -> None:
        self.page.locator(f'{ROOT_SELECTOR}[data-test-script-state="notRunning"]').wait_for(state="attached")

    def step(self, name: str, action) -> float:
        """Do `action` once the app is idle; record the time from it to the app's idle state."""
        self._idle()
        self.page.wait_for_timeout(QUIET_MS)  # runs of the previous step are over
        _, self._log_at = server.runs(self.app.log, self._log_at)
        since = self.page.evaluate("performance.now()")
        action()
        try:
            took = self.page.wait_for_function(
                SETTLED, arg=[since, QUIET_MS, NO_RUN_MS], timeout=120_000
            ).json_value()
        except Exception as exc:  # noqa: BLE001 - a step that never settles is reported, not fatal
            print(f"  {name}: did not settle ({type(exc).__name__})", file=sys.stderr)
            return float("nan")
        seconds = max(took, 0) / 1000  # -1: the browser did it alone, the server ran nothing
        self.times[name].append(seconds)
        time.sleep(0.2)  # the log line of the last run is written after the run's final message
        done, self._log_at = server.runs(self.app.log, self._log_at)
        self.server_s[name].append(sum(r["seconds"] for r in done if r.get("fragment") != "True"))
        return seconds

    def open_app(self) -> None:
        """The sign-in page's first paint: from the request to the Sign in button drawn."""
        self.page.goto(self.app.base, wait_until="commit")
        painted = self.page.wait_for_function(
            """() => [...document.querySelectorAll('button')].some(b => b.innerText.trim() === 'Sign in')
                     && performance.now()"""
        ).json_value()
        self.times["signin_paint"].append(painted / 1000)

    def sign_in(self, username: str) -> None:
        page = self.page
        self._idle()
        page.get_by_role("textbox", name="Username").first.fill(username)
        page.get_by_role("textbox", name="Password").first.fill(server.PASSWORD)
        self.step("sign_in", lambda: page.get_by_role("button", name="Sign in").first.click())
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").wait_for()

    def go(self, label: str, title: str) -> None:
        link = self.page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)
        self.step(label, lambda: link.first.click())

    def tab(self, label: str, name: str) -> None:
        self.step(label, lambda: self.page.get_by_role("tab", name=name, exact=True).first.click())

    def choose(self, label: str, box: str, option: str) -> None:
        """Pick `option` in the select box labelled `box` (timed from the option's click)."""
        page = self.page
        self._idle()
        page.get_by_label(box, exact=True).first.click()
        item = page.get_by_role("option", name=option, exact=True).first
        item.wait_for()
        self.step(label, lambda: item.click())


def _titles(role_names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The menu of someone holding `role_names`: (slug, English title)."""
    from lib.core.i18n import t

    return [(s.slug, t(s.title_key, "en")) for s in visible_screens(role_names)]


def _interactions(d: Driver, role: str) -> None:
    """The common interactions of `role` (on pages its menu has)."""
    page = d.page
    if role == "executive":
        d.go("nav:leadership_overview", "Leadership overview")
        d.choose("overview_period_12_months", "Period", "Last 12 months")
        department = page.get_by_label("Scope", exact=True)
        d._idle()
        department.first.click()
        options = page.get_by_role("option")
        options.nth(1).wait_for()
        d.step("overview_scope_department", lambda: options.nth(1).click())
    if role == "hr":
        d.go("nav:participation", "Participation")
        for tab in ("Completion", "Follow-up", "People", "Roster", "Overview"):
            d.tab(f"participation_tab:{tab}", tab)
        d.tab("participation_tab:People", "People")
        search = page.get_by_label("Find a person", exact=False).first
        search.fill("martin")
        d.step("participation_person_file", lambda: search.press("Enter"))
    if role in ("employee", "hr"):
        d.go("nav:my_contributions", "My contributions")
        d.tab("contributions_tab:points_90d", "Points and leaderboard")
    if role == "admin":
        d.go("nav:administration", "Administration")
        d.tab("administration_tab:Manage", "Manage an account")
    if role == "employee":
        d.go("nav:account", "Account")
        page.get_by_label("New password", exact=True).first.fill("not the same")  # refused: changes nothing
        form = page.get_by_role("button", name="Change password").first
        d.step("form_submit:change_password_mismatch", lambda: form.click())


def session(browser, app, username: str, role_names, times, server_s) -> None:
    d = Driver(browser, app, times, server_s)
    try:
        d.open_app()
        d.sign_in(username)
        menu = _titles(role_names)
        for prefix in ("open", "nav"):
            for slug, title in menu:
                d.go(f"{prefix}:{slug}", title)
        try:
            _interactions(d, role_names[0])
        except Exception as exc:  # noqa: BLE001 - report the steps that could be done
            print(f"  interactions of {role_names[0]} stopped: {str(exc).splitlines()[0]}", file=sys.stderr)
    finally:
        d.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    server.add_database_arguments(parser)
    parser.add_argument("--runs", type=int, default=3, help="sessions per role (medians over them)")
    parser.add_argument("--roles", default=",".join(server.ROLES), help="comma-separated roles to drive")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from lib.core.db import make_engine, session_scope
    from lib.core.models import User
    from lib.people.accounts import find_user

    url = server.demo_database(args)
    users = server.accounts(url)
    engine = make_engine(url)
    with session_scope(engine, write=False) as db:
        held = {role: tuple(sorted(find_user(db, name).roles)) for role, name in users.items()}
        employees = db.query(User).count()
    engine.dispose()
    load = {"before": server.load_average()}
    times: dict[str, list[float]] = defaultdict(list)
    server_s: dict[str, list[float]] = defaultdict(list)
    firsts: dict[str, float] = {}
    roles = [r for r in args.roles.split(",") if r in users]
    with tempfile.TemporaryDirectory(prefix="bench_browser_") as tmp:
        app = server.App(url, Path(tmp) / "app.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                for run in range(args.runs):
                    for role in roles:
                        names = (role, *[r for r in held[role] if r != role])
                        print(f"run {run + 1}/{args.runs}: {role} {users[role]}", file=sys.stderr)
                        session(browser, app, users[role], names, times, server_s)
                    if run == 0:
                        firsts = {k: round(v[0], 3) for k, v in times.items()}
                browser.close()
            rss = server.memory_mb(app.proc.pid)
        finally:
            app.stop()
    load["after"] = server.load_average()
    steps = {
        name: {**server.spread(values), "cold": firsts.get(name), "server": server.spread(server_s[name])}
        for name, values in times.items()
    }
    for name, s in steps.items():
        print(
            f"{name:<40} median {s['median']:6.3f} s  p95 {s['p95']:6.3f} s  cold {s['cold'] or 0:6.3f} s"
            f"  server median {s['server'].get('median', 0):6.3f} s  (n={s['n']})"
        )
    result = {
        "steps": steps,
        "employees": employees,
        "database": url.split("://")[0],
        "runs": args.runs,
        "server_rss_mb": rss,
        "load_average": load,
        "client": "headless Chromium (Playwright)",
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
