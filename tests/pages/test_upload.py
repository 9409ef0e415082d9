"""“Use your own data” on every page that takes a CSV, through AppTest's file uploader.

Every hostile file (tests/data/hostile, plus a 10 MB file, 10,000 columns and too many rows generated here)
gets a clear ``st.error`` and never an exception, and the page goes back to its built-in data; a valid file
replaces the data in every chart, and the claims that need the built-in generator are left out.
"""
import json
import os
import re
import subprocess
import sys

import pytest

from tests.pages.conftest import chart_figures, exceptions, open_page
from tests.test_upload import BY_KIND, EVERY_KIND, HOSTILE, VALID

PAGES = {"roc_auc": ("roc", "labels_scores"), "kmeans": ("km", "features"), "gmm_em": ("em", "features"),
         "svm": ("svm", "features_label"), "imbalanced": ("im", "features_label"),
         "svm_vs_logreg": ("svl", "features_label"), "decision_trees": ("dt", "features_label"),
         "random_forest": ("rf", "features_label"), "naive_bayes": ("nb", "features_label"),
         "pca_ica": ("pca", "table"), "tsne": ("tsne", "table")}
ROW_LIMIT = {"roc_auc": 5000, "kmeans": 1000, "gmm_em": 1000, "svm": 1000, "imbalanced": 2000, "svm_vs_logreg": 1000,
             "decision_trees": 1000, "random_forest": 1000, "naive_bayes": 2000, "pca_ica": 5000, "tsne": 5000}
# Where a page takes more than its kind's default (None: the page takes the file): t-SNE and PCA colour up to
# 10 and 8 classes, t-SNE takes up to 65 columns (the 64-pixel digits) and needs 20 rows.
PAGE_PHRASES = {"tsne": {"three_classes.csv": None, "too_many_columns_51.csv": None, "too_few_rows.csv": "at least 20"},
                "pca_ica": {"three_classes.csv": None}}
USING = "Using your file"
# Claims about the built-in generator, which must not be shown for a file.
GENERATOR_CLAIMS = {"roc_auc": ["rare disease", "does not depend on prevalence"], "gmm_em": ["recovers the true groups better"],
                    "kmeans": [], "svm": [], "imbalanced": [], "svm_vs_logreg": [], "decision_trees": [],
                    "random_forest": ["across 6 fresh training sets"], "naive_bayes": ["ranks new points as well as the true"],
                    "pca_ica": ["first two components separate the three cultivars"], "tsne": ["the digits'"]}


def generated(tmp_path_factory):
    """The files too big to commit: (name, bytes, phrase of the message)."""
    row = "0.123456,0.654321,1\n"
    big = ("x1,x2,label\n" + row * (10 * 2**20 // len(row))).encode()
    wide = (",".join(f"c{j}" for j in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode()
    tall = ("x1,x2,label\n" + "".join(f"{i % 7}.5,{i % 11}.25,{i % 2}\n" for i in range(5001))).encode()
    return [("ten_megabytes.csv", big, "the limit is 2 MB"), ("ten_thousand_columns.csv", wide, "10,000 columns"),
            ("too_many_rows.csv", tall, "more than 5,000")]


def unescaped(text: str) -> str:
    return text.replace("\\", "")


def upload(at, prefix, name, data):
    at.file_uploader(key=f"{prefix}_upload").set_value((name, data, "text/csv")).run()
    return at


def state(at):
    """What the page shows of its data: the chart data (not the layout) and whether a file is in use."""
    data = json.dumps([figure["data"] for figure in chart_figures(at)], sort_keys=True)
    return data, any(USING in caption.value for caption in at.caption)


def file_rows(n):
    """A valid file of ``n`` rows: two noisy groups."""
    return ("x1,x2,label\n" + "".join(f"{(i % 17) / 3 + 4 * (i % 2)},{(i % 13) / 2 - 3 * (i % 2)},{i % 2}\n"
                                      for i in range(n))).encode()


@pytest.mark.parametrize("slug", PAGES)
def test_every_hostile_file_gets_a_clear_message_and_the_built_in_data_stays(slug, tmp_path_factory):
    prefix, kind = PAGES[slug]
    at = open_page(f"topics/{slug}.py")
    builtin, _ = state(at)
    upload(at, prefix, "good.csv", (VALID / "two_clusters_labelled.csv").read_bytes())
    assert not exceptions(at) and not at.error and state(at)[1]
    assert state(at)[0] != builtin, "a valid file replaces the data in the charts"
    files = [(path.name, path.read_bytes(), EVERY_KIND.get(path.name, BY_KIND.get(path.name, {}).get(kind)))
             for path in sorted(HOSTILE.glob("*.csv"))] + generated(tmp_path_factory)
    overrides = PAGE_PHRASES.get(slug, {})
    files = [(name, data, overrides.get(name, phrase)) for name, data, phrase in files]
    files.append(("one_row_too_many.csv", file_rows(ROW_LIMIT[slug] + 1), "at most" if ROW_LIMIT[slug] < 5000
                  else "more than 5,000"))
    for name, data, phrase in files:
        upload(at, prefix, name, data)
        assert not exceptions(at), f"{name}: {exceptions(at)}"
        errors = [unescaped(e.value) for e in at.error]
        if phrase is None:  # this page takes the file (e.g. a label column a clustering page ignores)
            assert not errors and state(at)[1], f"{name}: {errors}"
            continue
        assert len(errors) == 1 and phrase in errors[0], f"{name}: {errors}"
        assert "built-in data" in errors[0]
        shown, using = state(at)
        assert not using and shown == builtin, f"{name}: the page should be back on its built-in data"
        assert len(chart_figures(at)) >= 2


@pytest.mark.parametrize("slug", PAGES)
def test_a_valid_file_drives_every_chart_and_only_the_claims_it_can_check(slug):
    prefix, _ = PAGES[slug]
    at = open_page(f"topics/{slug}.py")
    upload(at, prefix, "semicolons.csv", (VALID / "semicolon_decimal_comma.csv").read_bytes())
    assert not exceptions(at) and not at.error
    text = " ".join(m.value for m in at.markdown)
    assert "**Claim:**" in text or "**Identity:**" in text  # ROC keeps only its identities for a file
    for phrase in GENERATOR_CLAIMS[slug]:
        assert phrase not in text, f"{phrase!r} needs the built-in generator"
    for kind in ("slider", "select_slider"):  # every control still works on the file, at both ends
        for key in [w.key for w in at.get(kind)]:
            widget = next(w for w in at.get(kind) if w.key == key)
            for end in ((widget.min, widget.max) if kind == "slider" else (widget.options[0], widget.options[-1])):
                widget = next(w for w in at.get(kind) if w.key == key)
                widget.set_value(end if kind == "slider" else type(widget.value)(end)).run()
                assert not exceptions(at), f"{key}={end}: {exceptions(at)}"
                assert state(at)[1] and not at.error, f"{key}={end}: {[e.value for e in at.error]}"
    at.file_uploader(key=f"{prefix}_upload").clear().run()
    assert not exceptions(at) and not state(at)[1]


def test_roc_the_positive_class_and_the_columns_are_chosen_by_name():
    at = open_page("topics/roc_auc.py")
    upload(at, "roc", "diagnosis.csv", (VALID / "text_labels_quoted.csv").read_bytes())
    assert [s.label for s in at.selectbox] == ["Label column", "Score column", "Positive class"]
    assert at.selectbox[2].value == "malignant"
    auc = float(at.metric[0].value)
    at.selectbox[2].select("benign").run()
    assert abs(float(at.metric[0].value) - (1 - auc)) <= 0.001
    at.selectbox[1].select("diagnosis").run()  # one column cannot be both
    assert any("two different columns" in unescaped(e.value) for e in at.error)
    assert not exceptions(at)


def test_degenerate_but_valid_files_do_not_break_the_clustering_pages():
    """Ten rows of two distinct points, and k up to 8: fewer distinct points than clusters."""
    data = b"a,b\n" + b"1,2\n3,4\n" * 5
    for slug in ("kmeans", "gmm_em"):
        prefix, _ = PAGES[slug]
        at = open_page(f"topics/{slug}.py")
        upload(at, prefix, "two_points.csv", data)
        assert not exceptions(at)
        at.slider(key=f"{prefix}_k").set_value(8).run()
        assert not exceptions(at), exceptions(at)


NEW_PAGES = ["svm_vs_logreg", "decision_trees", "random_forest", "naive_bayes", "pca_ica", "tsne"]


@pytest.mark.parametrize("slug", NEW_PAGES)
def test_a_valid_file_changes_the_numbers_and_its_snippet_prints_them(slug, tmp_path):
    """The metrics move off the built-in data's, and the snippet, run on the same file, prints what the page shows."""
    from tests.pages.test_snippets import page_snippets, parse_output, same_number
    prefix, _ = PAGES[slug]
    at = open_page(f"topics/{slug}.py")
    builtin = [m.value for m in at.metric]
    data = (VALID / "two_clusters_labelled.csv").read_bytes()
    upload(at, prefix, "good.csv", data)
    assert not exceptions(at) and not at.error
    assert [m.value for m in at.metric] != builtin, "the numbers come from the file"
    (tmp_path / "good.csv").write_bytes(data)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    reading = [(script, expected) for script, expected in page_snippets(at) if "good.csv" in script]
    assert reading, "a snippet loads the uploaded file"
    for script, expected in reading:
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, env=env,
                             cwd=tmp_path)
        assert run.returncode == 0, run.stderr[-2000:]
        shown, printed = parse_output(expected), parse_output(run.stdout)
        assert shown and all(name in printed and same_number(value, printed[name]) for name, value in shown.items()), \
            (shown, printed)


def test_imbalanced_names_the_class_that_undersampling_cut_in_a_file_of_equal_odd_classes():
    """7 + 7 rows: the stratified training part is 4 + 5 or 5 + 4, and random_under cuts the larger one, whichever
    of the file's classes that is; with one row to cut, the classes are not called equal in the claims."""
    at = upload(open_page("topics/imbalanced.py", {"im_method": "random_under"}), "im", "seven_each.csv", file_rows(14))
    rows = next(m.value for m in at.markdown if "Training set:" in m.value).split("\n\n")[-1]
    first, second = map(int, re.match(r"Training set: (\d+) of class 0, (\d+) of class 1 rows", rows).groups())
    assert {first, second} == {4, 5}, rows
    assert f"(1 of class {int(second > first)} rows dropped)" in rows, rows
    claims = next(m.value for m in at.markdown if m.value.startswith("### Claim check"))
    assert "nothing to rebalance" not in claims
