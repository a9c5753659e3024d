"""Exports never carry live formulas; uploads are read as text, whatever their encoding."""

import io

import openpyxl
import pandas as pd
import pytest

from lib.core import formatting
from lib.core import spreadsheets as exports
from lib.core.errors import ValidationError

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "plain"]


def test_csv_export_neutralises_formulas_and_keeps_numbers():
    df = pd.DataFrame({"text": DANGEROUS, "n": [-5, 1, 2, 3, 4, 5, 6]})
    back = pd.read_csv(io.BytesIO(formatting.to_csv(df)), encoding="utf-8-sig", keep_default_na=False)
    assert back["text"].tolist()[:4] == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd"]
    assert back["text"].tolist()[-1] == "plain"
    assert back["n"].tolist()[0] == -5


def test_excel_export_has_no_formula_cells():
    df = pd.DataFrame({"text": DANGEROUS, "n": range(7)})
    sheet = openpyxl.load_workbook(io.BytesIO(formatting.to_excel(df))).active
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    types = [row[0].data_type for row in sheet.iter_rows(min_row=2)]
    assert "f" not in types
    assert values[0] == "'=1+1"
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == list(range(7))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_upload_encodings(encoding):
    data = "name;city\nHélène;Orléans\nNA;None\n".encode(encoding)
    df = exports.read_csv(data, ["name", "city"])
    assert df["name"].tolist() == ["Hélène", "NA"]
    assert df["city"].tolist() == ["Orléans", "None"]


def test_upload_refusals():
    with pytest.raises(ValidationError) as err:
        exports.read_csv(b"a,b\n1,2\n", ["a", "c"])
    assert err.value.problems[0].key == "import.missing_columns"
    with pytest.raises(ValidationError):
        exports.read_csv(b"\x00\x01\x02binary", ["a"])
    with pytest.raises(ValidationError):
        exports.read_csv(b"a\n" + b"1\n" * (exports.MAX_UPLOAD_ROWS + 1), ["a"])
