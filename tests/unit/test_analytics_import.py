"""Platform analytics imports: LinkedIn workbooks (English, French) and X CSVs (old and new
headers), matching by URL, preview, idempotence, later exports, bad files; on both databases."""

import io
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lib.activity import analytics_import as ai
from lib.activity import contributions as contrib
from lib.activity.urls import url_key
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.i18n import problem_text
from lib.core.models import AnalyticsImport, AuditEvent, Contribution, PlatformDay, utcnow
from lib.core.spreadsheets import MAX_UPLOAD_BYTES
from tests.analytics_files import linkedin_url, linkedin_xlsx, x_csv, year_of_days

TODAY = utcnow().date()
D1, D2, D3 = TODAY - timedelta(days=30), TODAY - timedelta(days=20), TODAY - timedelta(days=10)
POSTS = [(1, D1, 40, 1200), (2, D2, 25, 900), (3, D3, 60, 2100)]


def run(engine, fn, actor, *args, **kw):
    with session_scope(engine) as session:
        return fn(session, actor, *args, **kw)


def rows(engine, user_id):
    with session_scope(engine) as session:
        return session.scalars(
            select(Contribution).where(Contribution.user_id == user_id).order_by(Contribution.occurred_on)
        ).all()


def refused(engine, actor, data, name, lang="en") -> str:
    with pytest.raises(ValidationError) as caught:
        run(engine, ai.preview, actor, data, name)
    return problem_text(caught.value.problems[0], lang)


def test_url_keys_match_every_form():
    ident = 7_200_000_000_000_000_001
    keys = {url_key(linkedin_url(1, form)) for form in range(3)}
    assert keys == {f"linkedin:activity:{ident}"}
    assert url_key("https://www.linkedin.com/posts/x_y-share-7200000000000000001-Zz") == (
        "linkedin:share:7200000000000000001"
    )
    assert url_key("https://www.linkedin.com/feed/update/urn:li:ugcPost:7200000000000000001?x=1") == (
        "linkedin:ugcpost:7200000000000000001"
    )
    same = {
        url_key(u)
        for u in (
            "https://twitter.com/jane/status/1234567890123",
            "https://x.com/Jane/status/1234567890123/photo/1?s=20",
            "mobile.twitter.com/jane/status/1234567890123",
            "https://x.com/i/web/status/1234567890123",
        )
    }
    assert same == {"x:1234567890123"}
    assert url_key("https://www.Example.com/blog/post/?utm=1#top") == "example.com/blog/post"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_linkedin_preview_then_apply_then_again(engine, make_user, lang):
    jane = make_user("jane")
    # one post logged by hand, with another URL form and typed figures
    run(
        engine,
        contrib.log_contribution,
        jane,
        date=D1.isoformat(),
        platform="linkedin",
        kind="original_post",
        url=linkedin_url(1, 1),
        impressions=1000,
        reactions=30,
    )
    data = linkedin_xlsx(POSTS, year_of_days(TODAY - timedelta(days=1), 30), lang)
    plan = run(engine, ai.preview, jane, data, "export.xlsx")
    assert plan.export.language == lang
    assert (plan.count("create"), plan.count("update"), plan.count("unchanged")) == (2, 1, 0)
    assert len(plan.new_days) == 30
    assert len(rows(engine, jane.id)) == 1  # preview writes nothing

    run(engine, ai.apply, jane, data, "export.xlsx")
    got = rows(engine, jane.id)
    assert [(r.occurred_on, r.impressions, r.engagements) for r in got] == [
        (D1, 1200, 40),
        (D2, 900, 25),
        (D3, 2100, 60),
    ]
    matched = got[0]
    assert matched.reactions is None  # LinkedIn's total replaces the typed split, none invented
    assert {r.figures_source for r in got} == {"imported"}
    assert all(r.analytics_import_id is not None for r in got)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(PlatformDay)) == 30
        record = session.scalars(select(AnalyticsImport)).one()
        assert (record.filename, record.created, record.updated, record.posts) == ("export.xlsx", 2, 1, 3)
        assert (record.impressions, record.members_reached) == (4200, 2100)  # DISCOVERY

    again = run(engine, ai.apply, jane, data, "export.xlsx")
    assert not again.changes and again.count("unchanged") == 3
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(AnalyticsImport)) == 1
        assert session.scalar(select(func.count()).where(AuditEvent.action == "analytics.imported")) == 1

    later = linkedin_xlsx([(1, D1, 55, 1500), *POSTS[1:]], year_of_days(TODAY - timedelta(days=1), 31), lang)
    plan = run(engine, ai.apply, jane, later, "export-later.xlsx")
    assert (plan.count("create"), plan.count("update"), plan.count("unchanged")) == (0, 1, 2)
    assert rows(engine, jane.id)[0].impressions == 1500
    assert len(rows(engine, jane.id)) == 3


def test_linkedin_header_anywhere_and_real_dates(engine, make_user):
    jane = make_user("jane")
    data = linkedin_xlsx(POSTS, [], "fr", as_text_dates=False, header_row=7)
    plan = run(engine, ai.preview, jane, data, "stats.xlsx")
    assert sorted(r["occurred_on"] for r in plan.rows) == [D1, D2, D3]


POSTS_X = [(111111111111, D1, 800, 20, 3, 2, 7), (222222222222, D2, 500, 5, 1, 0, 0)]


@pytest.mark.parametrize("headers", ["old", "new"])
def test_x_csv(engine, make_user, headers):
    jane = make_user("jane")
    data = x_csv(POSTS_X, headers)
    run(
        engine,
        contrib.log_contribution,
        jane,
        date=D1.isoformat(),
        platform="x",
        kind="original_post",
        url="https://x.com/jane/status/111111111111?s=20",
        impressions=10,
    )
    plan = run(engine, ai.apply, jane, data, "tweets.csv")
    assert (plan.count("create"), plan.count("update")) == (1, 1)
    got = rows(engine, jane.id)
    assert [(r.impressions, r.reactions, r.comments, r.shares, r.clicks) for r in got] == [
        (800, 20, 3, 2, 7),
        (500, 5, 1, 0, 0),
    ]
    assert got[1].occurred_on == D2 and got[1].platform == "x"
    assert not run(engine, ai.apply, jane, data, "tweets.csv").changes


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "export.xlsx", "The file is empty"),
        (b"Date,Impressions\n1/2/2026,3\n", "export.xlsx", "a CSV renamed .xlsx"),
        (linkedin_xlsx(POSTS)[:2000], "export.xlsx", "not a readable Excel workbook"),
        (linkedin_xlsx(POSTS, drop_sheet="TOP POSTS"), "export.xlsx", "sheet(s) TOP POSTS missing"),
        (
            linkedin_xlsx(POSTS, overrides={("TOP POSTS", "G4"): "lots"}),
            "export.xlsx",
            "Sheet “TOP POSTS”, column G, row 4: “lots” is not a whole number",
        ),
        (
            linkedin_xlsx(POSTS, [(D1, 5, 1)], overrides={("ENGAGEMENT", "A2"): "31/31/2026"}),
            "export.xlsx",
            "Sheet “ENGAGEMENT”, column A, row 2: “31/31/2026” is not a date",
        ),
        (b"name,email\nJane,j@example.com\n", "data.csv", "column(s) Tweet id / Post id, time, impressions"),
        (bomb(), "export.xlsx", "too large once unpacked"),
    ],
)
def test_bad_files_are_refused_whole(engine, make_user, data, name, expected):
    jane = make_user("jane")
    assert expected in refused(engine, jane, data, name)
    with pytest.raises(ValidationError):
        run(engine, ai.apply, jane, data, name)
    assert rows(engine, jane.id) == []
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(AnalyticsImport)) == 0


def test_x_csv_is_capped_before_it_is_parsed(engine, make_user):
    """A hostile "X export" is refused by the capped CSV reader, in a few megabytes, whatever
    it claims: a 400,000-column header, rows past the export's limit, a huge cell."""
    jane = make_user("jane")
    wide = b"Tweet id,time,impressions," + b",".join(b"c%d" % i for i in range(400_000)) + b"\n1,2,3\n"
    assert len(wide) < MAX_UPLOAD_BYTES
    tracemalloc.start()
    try:
        message = refused(engine, jane, wide, "tweets.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == "The file has more than 200 columns: this is not one of the expected files."
    assert peak < 40e6  # the file is 3.5 MB; parsed into a list of 400,000 cells it took far more
    assert refused(engine, jane, wide, "tweets.csv", "fr").startswith(
        "Le fichier compte plus de 200\u00a0colonnes"
    )
    many = x_csv([(10**11 + i, D1, 5, 1, 0, 0, 0) for i in range(ai.MAX_ROWS + 1)])
    assert refused(engine, jane, many, "tweets.csv") == f"The file has more than {ai.MAX_ROWS} rows."
    huge_cell = x_csv(POSTS_X).replace(b"text", b"t" * 20_000, 1)
    assert "more than 10000 characters" in refused(engine, jane, huge_cell, "tweets.csv")
    bad = x_csv(POSTS_X).replace(b",800,", b",lots,", 1)
    assert refused(engine, jane, bad, "tweets.csv") == (
        "Sheet “CSV”, column E, row 2: “lots” is not a whole number."
    )
    assert rows(engine, jane.id) == []


def test_bad_file_message_in_french(engine, make_user):
    jane = make_user("jane")
    data = linkedin_xlsx(POSTS, overrides={("TOP POSTS", "G4"): "beaucoup"})
    text = refused(engine, jane, data, "export.xlsx", "fr")
    assert text == (
        "Feuille «\u00a0TOP POSTS\u00a0», colonne G, ligne 4\u00a0: "
        "«\u00a0beaucoup\u00a0» n’est pas un nombre entier."
    )


def test_hr_imports_on_someones_behalf_employee_cannot(engine, make_user):
    jane, bob = make_user("jane"), make_user("bob")
    hr = make_user("hanna", "hr", "employee")
    data = linkedin_xlsx(POSTS)
    with pytest.raises(PermissionDenied):
        run(engine, ai.preview, bob, data, "e.xlsx", "jane")
    plan = run(engine, ai.apply, hr, data, "e.xlsx", "jane")
    assert plan.count("create") == 3 and len(rows(engine, jane.id)) == 3
    with session_scope(engine) as session:
        record = session.scalars(select(AnalyticsImport)).one()
        assert (record.user_id, record.imported_by) == (jane.id, hr.id)


def test_implausible_imported_post_is_held(engine, make_user):
    jane = make_user("jane")
    for i in range(5):
        run(
            engine,
            contrib.log_contribution,
            jane,
            date=(D1 - timedelta(days=i + 1)).isoformat(),
            platform="linkedin",
            kind="original_post",
            url=f"https://www.linkedin.com/feed/update/urn:li:activity:71000000000000000{i}",
            impressions=900,
        )
    data = linkedin_xlsx([(9, D2, 30, 5_000_000)])
    plan = run(engine, ai.apply, jane, data, "e.xlsx")
    assert plan.held == 1
    held = next(r for r in rows(engine, jane.id) if r.impressions == 5_000_000)
    assert held.review == "pending" and "above_ceiling" in held.review_reasons


def test_command_line_dry_run_apply_and_bad_file(engine, make_user, tmp_path):
    from tests.unit.test_cli import cli

    make_user("jane")
    url = engine.url.render_as_string(hide_password=False)
    good = tmp_path / "export.xlsx"
    good.write_bytes(linkedin_xlsx(POSTS, year_of_days(TODAY - timedelta(days=1), 10)))
    dry = cli(url, "import-analytics", "--user", "Jane", "--file", str(good), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would create 3, would update 0" in dry.stdout
    assert count_all(engine) == 0
    done = cli(url, "import-analytics", "--user", "jane", "--file", str(good))
    assert done.returncode == 0 and "created 3, updated 0" in done.stdout
    assert count_all(engine) == 3
    again = cli(url, "import-analytics", "--user", "jane", "--file", str(good))
    assert "created 0, updated 0, unchanged 3" in again.stdout
    bad = tmp_path / "renamed.xlsx"
    bad.write_bytes(b"a,b\n1,2\n")
    refused = cli(url, "import-analytics", "--user", "jane", "--file", str(bad))
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "a CSV renamed .xlsx" in refused.stderr
    nobody = cli(url, "import-analytics", "--user", "nobody", "--file", str(good))
    assert nobody.returncode == 2 and "No account" in nobody.stderr
    assert count_all(engine) == 3


def count_all(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Contribution))


def test_provenance_reaches_the_list_export_person_file_overview_and_report(engine, make_user):
    """Where figures come from is shown everywhere they are: the person's list and export, the
    person's file (HR), the overview (share of reach from platform exports, how many wait for a
    review) and the board report with its data workbook."""
    from openpyxl import load_workbook

    from lib.core.periods import Period, View
    from lib.core.permissions import Actor
    from lib.insight import board_report, leadership, person_file
    from lib.insight.kpis import provenance_line

    jane = make_user("jane")
    hr = make_user("hanna", "hr", "employee")
    run(engine, ai.apply, jane, linkedin_xlsx(POSTS), "Content_2026.xlsx")  # 4,200 impressions
    typed = {"platform": "linkedin", "kind": "original_post", "date": D3.isoformat()}
    run(engine, contrib.log_contribution, jane, **typed, url=linkedin_url(8), impressions=1800)
    run(engine, contrib.log_contribution, jane, **typed, url=linkedin_url(9), impressions=5_000_000)

    period = contrib.Filters(TODAY - timedelta(days=60), TODAY)
    with session_scope(engine, write=False) as session:
        listed, _ = contrib.list_mine(session, jane, period)
        exported = contrib.export_mine(session, jane)
        file = person_file.person_file(session, hr, jane.id)
        leadership._cache.clear()
        ov = leadership.overview(
            session,
            Actor(id=None, username="exec", roles=frozenset({"executive"})),
            View("custom", Period(TODAY - timedelta(days=59), TODAY)),
        )
    imported = listed[listed["figures_source"] == "imported"]
    assert len(imported) == 3 and set(imported["source_file"]) == {"Content_2026.xlsx"}
    assert sorted(listed["review"]) == ["ok", "ok", "ok", "ok", "pending"]
    assert sorted(exported["figures_source"]) == ["imported", "imported", "imported", "typed", "typed"]
    assert set(exported["figures_file"].dropna()) == {"Content_2026.xlsx"}
    assert exported["figures_imported_at_utc"].notna().sum() == 3
    [linkedin] = file.platforms.to_dict("records")
    assert (linkedin["impressions"], linkedin["impressions_imported"], linkedin["held"]) == (6000, 4200, 1)
    assert file.imports["filename"].tolist() == ["Content_2026.xlsx"]
    assert ov.current.impressions == 6000 and ov.pending_review == 1
    assert ov.current.imported_reach_share == pytest.approx(0.7)
    line = provenance_line(ov, "fr")
    assert "\u00a0: 70,0\u202f% des impressions de la période" in line
    assert line.endswith("\u00a0: 1 contribution(s).")
    html = board_report.board_report(ov, "en", "Whole company")
    assert "Reach from platform analytics exports: 70.0% of the period’s impressions" in html
    book = load_workbook(io.BytesIO(board_report.board_workbook(ov, "en", "Whole company")), read_only=True)
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert any(str(n).startswith("Reach from platform analytics exports: 70.0%") for n in notes)
