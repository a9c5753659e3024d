"""Uploads are capped before they are parsed (issue 10, item 10): columns, cells, rows and bytes."""

import tracemalloc

import pytest

from lib.core.errors import ValidationError
from lib.core.i18n import problem_text
from lib.core.spreadsheets import MAX_CELL_CHARS, MAX_UPLOAD_COLUMNS, MAX_UPLOAD_ROWS, read_csv


def refusal(data: bytes, lang: str = "en") -> str:
    with pytest.raises(ValidationError) as caught:
        read_csv(data, ["date"])
    return problem_text(caught.value.problems[0], lang)


def wide_header(columns: int) -> bytes:
    return (",".join(f"col{i}" for i in range(columns)) + "\n1\n").encode()


def test_a_500000_column_csv_is_refused_before_parsing_in_a_few_megabytes():
    data = wide_header(500_000)
    assert 4_000_000 < len(data) < 5_000_000  # 4.4 MB, as in the report
    tracemalloc.start()
    try:
        message = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"peak memory for the hostile CSV: {peak / 1e6:.1f} MB")
    assert (
        message
        == f"The file has more than {MAX_UPLOAD_COLUMNS} columns: this is not one of the expected files."
    )
    assert peak < 30e6  # the file itself is 4.4 MB; pandas took 2 GB


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"date,a\n" + b"1," * 400_000 + b"\n", "more than 200 columns"),  # a wide row under a short header
        (b"date;a\n2026-01-01;" + b"x" * (MAX_CELL_CHARS + 1) + b"\n", "more than 10000 characters"),
        (b"date\n" + b"2026-01-01\n" * (MAX_UPLOAD_ROWS + 1), f"more than {MAX_UPLOAD_ROWS} rows"),
        (b"date,a\n1,2,3\n", "not a CSV file"),
        (b"", "not a CSV file"),
        (b"a,b\n1,2\n", "Missing columns: date"),
    ],
)
def test_oversized_or_malformed_files_are_refused_with_a_clear_message(data, expected):
    assert expected in refusal(data)


def test_the_refusal_speaks_french():
    assert refusal(wide_header(1000), "fr").startswith(
        f"Le fichier compte plus de {MAX_UPLOAD_COLUMNS}\u00a0colonnes"
    )


def test_a_normal_file_reads_as_before():
    df = read_csv(b"Date;Note;Empty\n2026-01-01; NA ;\n\n2026-01-02;x;\n2026-01-03;y\n", ["date"])
    assert df.columns.tolist() == ["date", "note", "empty"]
    assert df.values.tolist() == [["2026-01-01", "NA", ""], ["2026-01-02", "x", ""], ["2026-01-03", "y", ""]]
