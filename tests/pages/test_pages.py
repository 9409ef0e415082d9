"""Every catalog page through AppTest: runs clean, draws its charts, survives every control's extremes."""
import re

import plotly.graph_objects as go
import pytest

from tests.pages.conftest import chart_figures, exceptions, open_page
from ui.catalog import TOPICS

RANGE_WIDGETS = ("slider", "select_slider")


def assert_valid_charts(at, with_frames=True):
    """Pages build figures as plain dicts (ui.theme.Figure); plotly.py's validation runs here instead."""
    for spec in chart_figures(at):
        spec.pop("config")
        if not with_frames:
            spec.pop("frames", None)
        try:
            go.Figure(spec)
        except ValueError as error:
            raise AssertionError(f"invalid Plotly figure {spec['layout'].get('title')}: {error}") from None


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_page_runs_with_charts_notes_and_claims(topic):
    at = open_page(topic.page_path)
    assert not exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert len(chart_figures(at)) >= 2
    text = " ".join(m.value for m in at.markdown)
    assert "**Claim:**" in text or "**Identity:**" in text
    assert at.markdown[0].value.startswith("# ") and at.markdown[0].value.split("\n")[0].endswith(topic.title)
    for heading in ("### What to notice", "### Claim check", "### Key formula", "### Interview question"):
        assert heading in text
    assert "$$" in text and len(at.expander) >= 1
    assert_valid_charts(at)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_range_control_survives_both_ends(topic):
    at = open_page(topic.page_path)
    widgets = [(kind, w.key) for kind in RANGE_WIDGETS for w in at.get(kind)]
    assert widgets, "a topic page needs controls"
    for kind, key in widgets:
        for end in ("min", "max"):
            widget = next(w for w in at.get(kind) if w.key == key)
            value = getattr(widget, end) if kind == "slider" else widget.options[0 if end == "min" else -1]
            if kind == "select_slider":
                value = type(widget.value)(value)
            widget.set_value(value).run()
            assert not exceptions(at), f"{key} at {end}: {exceptions(at)}"
            assert_valid_charts(at, with_frames=False)
        next(w for w in at.get(kind) if w.key == key).set_value(
            next(w for w in open_page(topic.page_path).get(kind) if w.key == key).value).run()


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_choice_runs(topic):
    at = open_page(topic.page_path)
    for widget in list(at.selectbox):
        for index, label in enumerate(widget.options):
            at.selectbox(key=widget.key).select_index(index).run()
            assert not exceptions(at), f"{widget.key}={label}: {exceptions(at)}"


def test_home_lists_every_topic_and_search_filters():
    at = open_page("topics/home.py")
    assert len(at.get("page_link")) == len(TOPICS)
    at.text_input(key="q").set_value("margin").run()
    assert len(at.get("page_link")) == 1
    at.text_input(key="q").set_value("zzzz").run()
    assert len(at.get("page_link")) == 0 and at.info


def test_cnn_reports_when_nothing_fits_instead_of_failing():
    at = open_page("topics/cnn_output_size.py")
    at.slider(key="cnn_W").set_value(2).run()
    at.slider(key="cnn_K").set_value(11).run()
    assert not exceptions(at)
    assert any("Nothing fits" in e.value for e in at.error)


def test_activations_reject_bad_logits_with_a_message():
    at = open_page("topics/activations.py")
    at.text_input(key="act_logits").set_value("1, two, <b>3</b>").run()
    assert not exceptions(at)
    assert any("logits" in e.value for e in at.error)


def test_url_state_is_restored():
    at = open_page("topics/svm.py", {"svm_kernel": "rbf", "svm_C": "100", "svm_n": "200"})
    assert at.slider(key="svm_n").value == 200
    assert at.select_slider(key="svm_C").value == 100.0


def test_cnn_preset_loads_its_input_shape_and_layers():
    at = open_page("topics/cnn_output_size.py")
    at.selectbox(key="cnn_preset").select_index(1).run()  # AlexNet
    assert not exceptions(at)
    assert at.number_input(key="cnn_in_h").value == 227
    table = at.dataframe[-1].value  # [0] is the editable layer table
    assert table.iloc[0]["output (C, H, W)"] == "(96, 55, 55)" and table.iloc[0]["parameters"] == "34,944"


def test_claims_from_a_live_part_follow_its_control_and_come_after_what_to_notice():
    """SVM's claims depend on C, so C's live part checks them and ui.page shows them in the section's place."""
    at = open_page("topics/svm.py")
    at.select_slider(key="svm_C").set_value(10.0).run()
    assert not exceptions(at)
    markdown = [m.value for m in at.markdown]
    notice = next(i for i, text in enumerate(markdown) if text.startswith("### What to notice"))
    checks = [i for i, text in enumerate(markdown) if text.startswith("### Claim check")]
    assert len(checks) == 1 and notice < checks[0]
    claims = markdown[checks[0]].split("**Claim:**")[1:]
    assert len(claims) == 3 and any("C = 10:" in claim and "C = 1:" in claim for claim in claims)


def test_imbalanced_names_no_minority_when_the_classes_are_equal_and_keeps_its_axes_across_shares():
    """At a minority share of 0.5 neither class is the minority; a move of the share seldom moves the axes."""
    at = open_page("topics/imbalanced.py", {"im_minority": "0.5"})
    training, scores = chart_figures(at)
    legend = {trace.get("name") for trace in training["data"]}
    assert {"class 0", "class 1 (positive)"} <= legend and not any("minority" in str(name) for name in legend)
    assert "synthetic rows" in legend  # smote, the default method, even with nothing to synthesise here
    at.selectbox(key="im_method").set_value("random_over").run()
    assert not any("synthetic" in str(trace.get("name")) for trace in chart_figures(at)[0]["data"])
    at.selectbox(key="im_method").set_value("smote").run()
    rows = rows_line(at)
    assert "of class 0" in rows and "majority" not in rows and "minority" not in rows
    assert "Test set: 150 of class 0, 150 of class 1 rows." in rows  # 1,000 rows, 30 % held out
    assert rows.startswith("Training set: 350 of class 0, 350 of class 1 rows, after smote 350 of class 0, "
                           "350 of class 1 (0 synthetic rows).")
    assert "nothing to rebalance" in next(m.value for m in at.markdown if m.value.startswith("### Claim check"))
    ranges = []
    at.slider(key="im_minority").set_value(0.49).run()  # nearly, not quite, balanced
    assert {"majority (0)", "minority (1)"} <= {trace.get("name") for trace in chart_figures(at)[0]["data"]}
    assert "majority, " in rows_line(at)
    for share in (0.1, 0.11, 0.12):  # on the built-in data of seed 0 these shares share one box
        at.slider(key="im_minority").set_value(share).run()
        training = chart_figures(at)[0]
        assert {"majority (0)", "minority (1)"} <= {trace.get("name") for trace in training["data"]}
        ranges.append((training["layout"]["xaxis"]["range"], training["layout"]["yaxis"]["range"]))
    assert all(all(float(v) % 1 == 0.5 for axis in r for v in axis) for r in ranges)
    assert ranges[0] == ranges[1] == ranges[2], ranges


def rows_line(at):
    """The imbalanced-data page's line of class counts (the last paragraph of its honest-scores text)."""
    return next(m.value for m in at.markdown if "Training set:" in m.value).split("\n\n")[-1]


@pytest.mark.parametrize("method, resampled", [
    ("none", " (not resampled)"),
    ("random_over", ", after random_over 630 majority, 630 minority (560 duplicated rows)"),
    ("random_under", ", after random_under 70 majority, 70 minority (560 majority rows dropped)"),
    ("smote", ", after smote 630 majority, 630 minority (560 synthetic rows)"),
    ("smote_tomek", None)])
def test_imbalanced_counts_the_training_rows_before_and_after_each_method(method, resampled):
    """1,000 rows at a minority share of 0.1: 630 + 70 in the training part, 270 + 30 held out, whatever the method."""
    at = open_page("topics/imbalanced.py", {"im_method": method, "im_minority": "0.1"})
    rows, claims = rows_line(at), next(m.value for m in at.markdown if m.value.startswith("### Claim check"))
    assert ("nothing is resampled" in claims) == (method == "none")  # else a failed check reads as evidence
    assert ("the two test sets differ" in claims) == (method != "none")
    assert ("copies no row" in claims) == (method == "random_under")
    assert rows.startswith("Training set: 630 majority, 70 minority rows"), rows
    # Resampling all 900 + 100 rows before the split: random oversampling and SMOTE make 900 + 900 (30 % of each
    # held out; SMOTE + Tomek a few fewer), undersampling 100 + 100. Every minority row is copied about nine times, so each copy held out has a
    # twin in training; undersampling copies none; SMOTE's held-out minority rows are mostly synthetic.
    honest, _, leaky = rows.partition(". Test set: 270 majority, 30 minority rows.")
    assert _, rows
    assert leaky == {"none": "", "random_under": " With random_under before the split, the test set has 30 majority, "
                                                 "30 minority rows; none of them repeats a training row."
                     }.get(method, leaky), rows
    if method == "random_over":  # the 270 held-out minority rows are copies of at most 100 rows
        copied = int(re.fullmatch(r" With random_over before the split, the test set has 270 majority, 270 minority "
                                  r"rows; 270 of them are copies of (\d+) rows that the training set holds as well\.",
                                  leaky).group(1))
        assert 0 < copied <= 100
    if method.startswith("smote"):
        synthetic = int(re.search(r"minority rows; (\d+) of them are synthetic, interpolated before the split between "
                                  r"neighbours of one class that the split then dealt to both sides", leaky).group(1))
        assert 0 < synthetic <= 270
        assert leaky.endswith("near the boundary before the split." if method == "smote_tomek" else "both sides.")
    if resampled is not None:
        assert f"minority rows{resampled}. Test set" in rows, rows
        return
    # SMOTE makes 560 rows, then Tomek links remove pairs of both classes: the removed originals are those missing
    majority, minority, synthetic, removed = map(int, re.search(
        r"after smote_tomek (\d+) majority, (\d+) minority \((\d+) synthetic rows; (\d+) original rows removed", rows).groups())
    assert 0 < synthetic <= 560 and majority <= 630 and minority - synthetic <= 70 and removed > 0
    assert removed == (630 - majority) + (70 - (minority - synthetic))


def test_svm_warns_when_the_solver_stops_before_converging():
    at = open_page("topics/svm.py", {"svm_kernel": "poly", "svm_C": "20", "svm_gamma": "50", "svm_degree": "5",
                                     "svm_data": "circles", "svm_n": "80", "svm_noise": "0.6", "svm_seed": "15"})
    assert not exceptions(at)
    assert any("without converging" in warning.value for warning in at.warning)


@pytest.mark.parametrize("page_path, key, step, kind", [("topics/kmeans.py", "km_step", 1, "update"),
                                                       ("topics/kmeans.py", "km_step", 2, "assign"),
                                                       ("topics/gmm_em.py", "em_step", 2, "(M)"),
                                                       ("topics/gmm_em.py", "em_step", 5, "(E)")])
def test_every_step_changes_layout_not_data(page_path, key, step, kind):
    """Every step, the points' recolouring included (ui.shapes.add_dots), moves only layout shapes, so the
    browser redraws without replotting; the ▶ Play frames carry the same shapes as the chart drawn for that step."""
    at = open_page(page_path, {key: str(step - 1)})
    before = chart_figures(at)[0]
    at.slider(key=key).set_value(step).run()
    after = chart_figures(at)[0]
    assert kind in after["layout"]["title"]["text"]
    assert after["data"] == before["data"] and after["layout"]["shapes"] != before["layout"]["shapes"]
    frame = next(f for f in after["frames"] if f["name"] == str(step))
    assert frame["layout"]["shapes"] == after["layout"]["shapes"]
    assert frame["layout"]["title"]["text"] == after["layout"]["title"]["text"]
