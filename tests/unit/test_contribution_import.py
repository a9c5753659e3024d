"""CSV import of contributions: every problem by row and column, all or nothing, idempotent."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lib.activity import contribution_import as imports
from lib.core.db import session_scope
from lib.core.errors import PermissionDenied, ValidationError
from lib.core.models import Contribution, utcnow
from lib.core.spreadsheets import read_csv

TODAY = utcnow().date()
HEADER = "date,platform,kind,url,impressions,reactions,comments,shares,clicks,minutes_spent,note"


def csv_file(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def good_rows(n: int) -> list[str]:
    return [
        f"{TODAY - timedelta(days=i % 300)},linkedin,share,https://example.com/p/{i},"
        f"{100 + i},{i % 7},,,,5,row {i}"
        for i in range(n)
    ]


def rows_of(engine, actor) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(
            select(func.count()).select_from(Contribution).where(Contribution.user_id == actor.id)
        )


def commit(engine, actor, data):
    with session_scope(engine) as session:
        return imports.commit(session, actor, data)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_template_has_every_column_and_one_example_row(engine, make_user, lang):
    df = read_csv(imports.template(lang), list(imports.REQUIRED))
    assert HEADER.split(",") == list(df.columns) and len(df) == 1
    emma = make_user("emma")
    with session_scope(engine, write=False) as session:  # the example row is a valid row
        assert not imports.preview(session, emma, imports.template(lang)).problems


def test_empty_file_is_explained(engine, make_user):
    emma = make_user("emma")
    with pytest.raises(ValidationError) as excinfo:
        commit(engine, emma, HEADER.encode() + b"\n")
    assert [p.key for p in excinfo.value.problems] == ["contrib.import_empty"]


def test_100_rows_with_one_bad_row_writes_nothing_and_names_the_row(engine, make_user):
    emma = make_user("emma")
    rows = good_rows(100)
    rows[56] = rows[56].replace("https://example.com/p/56", "ftp://example.com/p/56")
    with pytest.raises(ValidationError) as excinfo:
        commit(engine, emma, csv_file(rows))
    [problem] = excinfo.value.problems
    assert (problem.row, problem.field, problem.key) == (58, "contrib.url", "activity.bad_url_scheme")
    assert rows_of(engine, emma) == 0


def test_every_bad_row_is_reported_with_its_column(engine, make_user):
    emma = make_user("emma")
    rows = [
        f"{TODAY},linkedin,share,https://example.com/a,,,,,,,",
        "31/02/2026,LinkedIn,share,https://example.com/b,,,,,,,",
        f"{TODAY},tiktok,share,https://example.com/c,-4,,,,,,",
        f"{TODAY},x,nonsense,,,1.5,,,,,",
    ]
    with session_scope(engine, write=False) as session:
        checked = imports.preview(session, emma, csv_file(rows))
    assert [(p.row, p.field, p.key) for p in checked.problems] == [
        (3, "contrib.date", "activity.bad_date"),
        (4, "contrib.platform", "activity.unknown_value"),
        (4, "contrib.impressions", "activity.negative"),
        (5, "contrib.kind", "activity.unknown_value"),
        (5, "contrib.reactions", "activity.not_a_count"),
    ]
    assert checked.count("new") == 1


def test_reimporting_the_same_file_creates_no_duplicates(engine, make_user):
    emma, hugo = make_user("emma"), make_user("hugo")
    data = csv_file(good_rows(30))
    assert commit(engine, emma, data) == imports.ImportResult(created=30, skipped=0)
    assert commit(engine, emma, data) == imports.ImportResult(created=0, skipped=30)
    # One more row in the file: only that one is added. Another person imports their own copy.
    assert commit(engine, emma, csv_file(good_rows(31))) == imports.ImportResult(created=1, skipped=30)
    assert commit(engine, hugo, data).created == 30
    assert rows_of(engine, emma) == 31


def test_same_rows_in_another_order_or_spelling_are_recognised(engine, make_user):
    emma = make_user("emma")
    day = TODAY.strftime("%d/%m/%Y")
    commit(
        engine,
        emma,
        csv_file(
            [
                f"{TODAY},linkedin,share,https://example.com/s,1200,,,,,,",
                f"{TODAY},x,comment,https://x.com/a/status/2,,,,,,,",
            ]
        ),
    )
    again = (
        "kind;date;platform;impressions;url\nCommentaire;"
        + day
        + ";X;;https://x.com/a/status/2\nPartage;"
        + day
        + ";LinkedIn;1 200;https://example.com/s\n"
    )
    with session_scope(engine, write=False) as session:
        checked = imports.preview(session, emma, again.encode("cp1252"))
    assert not checked.problems and checked.count("existing") == 2


def test_repeated_rows_in_one_file_are_imported_once(engine, make_user):
    emma = make_user("emma")
    row = f"{TODAY},x,comment,https://x.com/a/status/1,,,,,,,"
    result = commit(engine, emma, csv_file([row, row]))
    assert result == imports.ImportResult(created=1, skipped=1)


def test_missing_required_column_is_refused(engine, make_user):
    emma = make_user("emma")
    with pytest.raises(ValidationError) as excinfo:
        commit(engine, emma, b"date,platform\n2026-01-01,x\n")
    assert excinfo.value.problems[0].params == {"columns": "kind"}


def test_import_needs_the_employee_role(engine, make_user):
    boss = make_user("boss", "executive")
    with pytest.raises(PermissionDenied):
        commit(engine, boss, csv_file(good_rows(1)))


def test_a_link_twice_in_the_file_or_already_logged_is_refused_by_row(engine, make_user):
    from lib.activity import contributions as contrib
    from lib.core import formatting as fmt
    from lib.core.i18n import problem_text

    emma, hugo = make_user("emma"), make_user("hugo")
    day = TODAY - timedelta(days=3)
    with session_scope(engine) as session:  # logged on the form, in another form of the address
        contrib.log_contribution(
            session,
            emma,
            date=day,
            platform="x",
            kind="original_post",
            url="https://twitter.com/emma/status/123456789",
        )
    rows = [
        f"{TODAY},linkedin,share,https://example.com/p/1,10,,,,,,",
        f"{TODAY},linkedin,share,https://www.example.com/p/1/?utm=x,20,,,,,,",  # row 2's post again
        f"{TODAY},x,share,https://x.com/Emma/status/123456789?s=20,30,,,,,,",  # logged on the form
        f"{TODAY},linkedin,share,https://example.com/p/2,40,,,,,,",
    ]
    with pytest.raises(ValidationError) as excinfo:
        commit(engine, emma, csv_file(rows))
    problems = excinfo.value.problems
    assert [(p.row, p.field, p.key) for p in problems] == [
        (3, "contrib.url", "contrib.duplicate_in_file"),
        (4, "contrib.url", "contrib.duplicate_link"),
    ]
    assert problem_text(problems[0], "en") == (
        "Row 3 · URL: this link is already on row 2 of the file: a post is logged once."
    )
    assert problem_text(problems[1], "fr").startswith(
        f"Ligne 4 · URL\u00a0: ce lien est déjà enregistré\u00a0: votre contribution du {fmt.day(day, 'fr')} "
        "(X, Publication originale)."
    )
    assert rows_of(engine, emma) == 1  # nothing committed
    # another person's link is not a duplicate; the same file imported twice is not one either
    assert commit(engine, hugo, csv_file(rows[:1] + rows[2:])).created == 3
    assert commit(engine, hugo, csv_file(rows[:1] + rows[2:])).skipped == 3
