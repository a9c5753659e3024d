"""`python -m bench.overview` on a tiny organisation: it seeds, measures, and ends with its JSON line.
(Only that it works; its timings are figures to read, never assertions.)"""

import json

from streamlit.testing.v1 import app_test as app_test_module

from bench import overview as bench

KEYS = {
    "data_cold_ms",
    "data_warm_ms",
    "page_first_ms",
    "page_cold_ms",
    "page_warm_ms",
    "groupby_ms",
    "naive_ms",
    "peak_rss_mb",
    "contributions",
    "database",
}


def test_bench_prints_its_figures_as_json(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "")  # restored afterwards: the bench points it at its own database
    monkeypatch.setattr(app_test_module, "PagesManager", app_test_module.PagesManager)
    assert bench.main(["--employees", "20", "--contributions", "400", "--runs", "1"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(figures) >= KEYS
    assert figures["contributions"] == 400 and figures["database"] == "sqlite"
    assert all(figures[k] >= 0 for k in KEYS - {"contributions", "database"})
    assert figures["data_cold_ms"] > 0 and figures["page_cold_ms"] > 0 and figures["peak_rss_mb"] > 0
