"""Participation's charts: pure functions from data frames to plotly figures."""

import pandas as pd

from lib.insight.charts import completion_heatmap, departments_figure, ranking_figure, stage_funnel


def test_stage_funnel_has_a_bar_per_stage_in_order_written_for_the_language():
    fig = stage_funnel(["Workforce", "Started", "Certified"], pd.Series([1200, 600, 0]), "fr")
    (trace,) = fig.data
    assert trace.type == "funnel"
    assert list(trace.y) == ["Workforce", "Started", "Certified"]
    assert list(trace.x) == [1200, 600, 0]
    assert trace.textinfo == "text"
    assert list(trace.text) == ["1\u202f200 · 100\u202f%", "600 · 50\u202f%", "0 · 0\u202f%"]
    assert fig.layout.separators == ",\u202f"
    english = stage_funnel(["Workforce", "Started"], pd.Series([1200, 0]), "en")
    assert list(english.data[0].text) == ["1,200 · 100%", "0 · 0%"]
    assert english.layout.separators == ".,"


def test_stage_funnel_of_nobody_has_no_share():
    (trace,) = stage_funnel(["Workforce", "Started"], pd.Series([0, 0]), "en").data
    assert [t.split(" · ")[0] for t in trace.text] == ["0", "0"]
    assert "%" not in trace.text[1]


def test_completion_heatmap_shows_whole_percentages_modules_down_groups_across():
    shares = pd.DataFrame(
        {"Sales": [0.5, 1.0, None], "Support": [0.333, 0.0, 0.25]},
        index=["Module A", "Module B", "Module C"],
    )
    fig = completion_heatmap(shares, "fr", "Team", "Module", "Passed")
    (trace,) = fig.data
    assert list(trace.x) == ["Sales", "Support"]
    assert list(trace.y) == ["Module A", "Module B", "Module C"]
    assert trace.z[0].tolist() == [50.0, 33.0]
    assert trace.z[1].tolist() == [100.0, 0.0]
    assert pd.isna(trace.z[2][0]) and trace.z[2][1] == 25.0
    assert trace.texttemplate == "%{z:.0f}\u202f%"
    assert fig.layout.height == 120 + 40 * 3
    assert fig.layout.xaxis.side == "top"
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0, 100)
    assert fig.layout.coloraxis.colorbar.ticksuffix == "\u202f%"
    assert completion_heatmap(shares, "en", "Team", "Module", "Passed").data[0].texttemplate == "%{z:.0f}%"


def test_empty_bars_write_their_zero_outside_the_bar():
    """plotly hides the label of a zero-length bar with textposition "auto": departments with no
    activity showed an empty row without its 0."""
    (trace,) = stage_funnel(["Workforce", "Started"], pd.Series([10, 0]), "en").data
    assert list(trace.textposition) == ["auto", "outside"]
    ranking = ranking_figure(pd.Series(["a", "b"]), pd.Series([5, 0]), "en").data[0]
    assert list(ranking.textposition) == ["outside", "auto"]  # drawn bottom-up: "b" first
    departments = pd.DataFrame(
        {
            "department_id": [1, 2],
            "department": ["Sales", "Ops"],
            "participation_rate": [0.5, 0.0],
            "per_head": [2.0, 0.0],
        }
    )
    share, per_head = departments_figure(departments, "fr").data
    assert list(share.textposition) == ["outside", "auto"] and list(share.text) == ["0\u202f%", "50\u202f%"]
    assert list(per_head.textposition) == ["outside", "auto"] and share.cliponaxis is False
