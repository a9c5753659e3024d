"""No page renders stored text as HTML: raw-HTML rendering is absent from the code base."""

import re

import pytest

from lib.core.config import ROOT

SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "lib").rglob("*.py")])
RAW_HTML = re.compile(r"unsafe_allow_html\s*=\s*True|\bst\.html\(|components\.v1\.html|components\.html\(")


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_no_raw_html_rendering(path):
    assert not RAW_HTML.search(path.read_text(encoding="utf-8"))
