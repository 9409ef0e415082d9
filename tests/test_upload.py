"""The CSV validator of ui/upload.py: every hostile file gets a clear ValueError, every valid variant parses the same.

tests/data/hostile/ holds a file for each way an upload can be wrong; the very large ones (10 MB, 10,000
columns, too many rows) are generated here into tmp_path. tests/data/valid/ holds the same small data set
written the ways spreadsheets write it (CRLF, semicolons with decimal commas, tabs, a byte-order mark, quoted
names, a saved pandas index).
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from ui.upload import (KINDS, MAX_ROWS, choose, default_columns, default_positive, escape_markdown, holdout,
                       holdout_code, label_column, loading_code, numeric_column, read_csv, sniff_delimiter)

DATA = Path(__file__).parent / "data"
HOSTILE, VALID = DATA / "hostile", DATA / "valid"

# file → the phrase its message must contain, for every kind of page (None: the kind takes the file).
EVERY_KIND = {
    "empty.csv": "file is empty",
    "whitespace_only.csv": "file is empty",
    "header_only.csv": "no data",
    "latin1_not_utf8.csv": "not UTF-8",
    "utf16.csv": "UTF-16",
    "binary_garbage.csv": "binary data",
    "png_renamed.csv": "binary data",
    "xlsx_renamed.csv": "Excel workbook",
    "one_column.csv": "only one column",
    "no_header.csv": "header row",
    "duplicate_columns.csv": "same name",
    "formulas.csv": "spreadsheet formulas",
    "formula_header.csv": "spreadsheet formulas",
    "ragged_row.csv": "Row 7 has 5 fields",
    "unclosed_quote.csv": "quote",
    "too_many_columns_51.csv": "51 columns",
    "non_numeric.csv": "not numbers in rows 5 and 19",
    "infinities.csv": "infinite values in rows 4 and 6",
    "huge_values_overflow.csv": "too large for the maths",
    "too_few_rows.csv": "at least 10",
    "markdown_names.csv": "not numbers in row 2",
    "long_column_name.csv": "5,000 characters",
}
BY_KIND = {
    "missing_values.csv": {"labels_scores": "missing labels in row 7", "features": "missing values in rows 7 and 11",
                           "features_label": "missing values in rows 7 and 11",
                           "table": "missing values in rows 7 and 11"},
    "one_class.csv": {"labels_scores": "only one class", "features": None, "features_label": "only one class",
                      "table": "only one class"},
    "three_classes.csv": {"labels_scores": "3 different values", "features": None,
                          "features_label": "3 different values", "table": "3 different values"},
    "continuous_label.csv": {"labels_scores": "40 different values", "features": None,
                             "features_label": "40 different values", "table": "40 different values"},
    "constant_column.csv": {"labels_scores": None, "features": "same value in every row",
                            "features_label": "same value in every row", "table": "same value in every row"},
}


def validate(data: bytes, kind: str, columns=None):
    """What a page does with an upload: read it, then take the default (or given) columns."""
    frame = read_csv(data)
    return choose(frame, kind, columns or default_columns(frame, kind), standardise=kind != "labels_scores")


def expected(name, kind):
    return EVERY_KIND[name] if name in EVERY_KIND else BY_KIND[name][kind]


def test_every_hostile_file_is_listed():
    assert {p.name for p in HOSTILE.glob("*.csv")} == set(EVERY_KIND) | set(BY_KIND)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(set(EVERY_KIND) | set(BY_KIND)))
def test_a_hostile_file_gets_a_clear_message(name, kind):
    phrase = expected(name, kind)
    if phrase is None:
        validate((HOSTILE / name).read_bytes(), kind)
        return
    with pytest.raises(ValueError) as error:
        validate((HOSTILE / name).read_bytes(), kind)
    message = str(error.value)
    assert phrase in message, message
    assert len(message) < 400 and "Traceback" not in message and "\n" not in message


def test_a_10_mb_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "big.csv"
    row = "0.123456,0.654321,1\n"
    path.write_text("x1,x2,label\n" + row * (10 * 2**20 // len(row)))
    assert path.stat().st_size >= 10 * 2**20
    with pytest.raises(ValueError, match=r"10\.0 MB; the limit is 2 MB"):
        read_csv(path.read_bytes())


def test_10000_columns_are_refused(tmp_path):
    header = ",".join(f"c{j}" for j in range(10_000))
    data = (header + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode()
    with pytest.raises(ValueError, match="10,000 columns; the limit is 50"):
        read_csv(data)


def test_one_row_too_many_is_refused_and_the_limit_itself_is_taken():
    rows = "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ValueError, match="more than 5,000 data rows"):
        read_csv(("a,b,c\n" + rows).encode())
    assert len(read_csv(("a,b,c\n" + rows[: rows.rindex("\n", 0, len(rows) - 1) + 1]).encode())) == MAX_ROWS


def test_megabytes_of_one_number_per_line_stop_at_the_row_limit_quickly():
    data = b"a,b\n" + b"1,2\n" * 400_000  # 1.6 MB, under the size limit
    with pytest.raises(ValueError, match="more than 5,000"):
        read_csv(data)


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.glob("*.csv")))
def test_every_valid_variant_gives_the_same_numbers(name):
    reference = validate((VALID / "two_clusters_labelled.csv").read_bytes(), "features_label")
    frame = read_csv((VALID / name).read_bytes())
    columns = [c for c in frame.columns if not c.startswith("column ")]
    got = choose(frame, "features_label", columns, standardise=True)
    np.testing.assert_allclose(got.X, reference.X, atol=1e-12)
    np.testing.assert_array_equal(got.y, reference.y)


def test_the_delimiter_is_sniffed_from_the_lines():
    assert sniff_delimiter("a;b;c\r\n1,5;2;3\r\n") == ";"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter('"x, y",z\n1,2\n') == ","
    assert sniff_delimiter("just one column\n1\n") == ","


def test_numbers_and_labels_are_read_as_a_spreadsheet_means_them():
    frame = read_csv(b"x,y,label\n 1 ,2e3,1.0\n-3,+4,1\n.5,6,0\n7,8,0\n9,10,0\n11,12,1\n13,14,1\n15,16,1\n17,18,0\n19,20,0\n")
    np.testing.assert_array_equal(numeric_column(frame, "x")[:3], [1, -3, 0.5])
    np.testing.assert_array_equal(numeric_column(frame, "y")[:2], [2000, 4])
    labels = label_column(frame, "label")
    assert labels.classes == ("0", "1") and labels.numeric and list(labels.codes[:3]) == [1, 1, 0]  # 1.0 is 1


def test_text_labels_and_the_positive_class():
    frame = read_csv((VALID / "text_labels_quoted.csv").read_bytes())
    assert list(frame.columns) == ["height, cm", "weight", "diagnosis"]
    chosen = choose(frame, "labels_scores", ["diagnosis", "weight"])
    assert chosen.classes == ("benign", "malignant") and chosen.positive == "malignant"
    assert chosen.y.sum() == (frame["diagnosis"] == "malignant").sum()
    flipped = choose(frame, "labels_scores", ["diagnosis", "weight"], positive="benign")
    np.testing.assert_array_equal(flipped.y, 1 - chosen.y)
    assert default_positive(("no", "yes")) == 1 and default_positive(("1", "0")) == 0
    assert default_positive(("cat", "dog")) == 1


def test_one_column_cannot_play_two_parts_and_kinds_are_checked():
    frame = read_csv((VALID / "two_clusters_labelled.csv").read_bytes())
    with pytest.raises(ValueError, match="two different columns"):
        choose(frame, "features", ["x1", "x1"])
    with pytest.raises(ValueError, match="kind"):
        choose(frame, "pictures", ["x1", "x2"])
    with pytest.raises(ValueError, match="no column"):
        numeric_column(frame, "nope")


def test_more_classes_are_taken_where_the_page_handles_them():
    frame = read_csv((HOSTILE / "three_classes.csv").read_bytes())
    chosen = choose(frame, "features_label", ["x1", "x2", "label"], max_classes=3)
    assert chosen.classes == ("0", "1", "2") and set(chosen.y) == {0, 1, 2}


def test_standardised_features_are_z_scores():
    frame = read_csv((VALID / "two_clusters_labelled.csv").read_bytes())
    X = choose(frame, "features", ["x1", "x2"], standardise=True).X
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1)
    raw = choose(frame, "features", ["x1", "x2"]).X
    np.testing.assert_allclose(raw[:, 0], frame["x1"].astype(float))


@pytest.mark.parametrize("name, kind, columns", [
    ("semicolon_decimal_comma.csv", "features_label", ["x1", "x2", "label"]),
    ("text_labels_quoted.csv", "features_label", ["height, cm", "weight", "diagnosis"]),
    ("text_labels_quoted.csv", "labels_scores", ["diagnosis", "weight"]),
    ("crlf.csv", "labels_scores", ["label", "x2"]),
    ("tab_separated.csv", "features", ["x2", "x1"]),
    ("semicolon_decimal_comma.csv", "table", ["x1", "x2", "label"]),
    ("text_labels_quoted.csv", "table", ["weight", "height, cm", None]),
    ("text_labels_quoted.csv", "table", ["height, cm", "weight", "diagnosis"]),
])
def test_the_loading_code_for_a_snippet_gives_the_same_arrays(tmp_path, monkeypatch, name, kind, columns):
    data = (VALID / name).read_bytes()
    frame = read_csv(data)
    chosen = choose(frame, kind, columns, standardise=kind != "labels_scores")
    (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(loading_code(kind, chosen, name, frame.attrs["delimiter"]), scope)  # our own generated code
    if kind == "labels_scores":
        np.testing.assert_array_equal(scope["labels"], chosen.y)
        np.testing.assert_allclose(scope["scores"], chosen.scores)
    else:
        np.testing.assert_allclose(scope["X"], chosen.X, atol=1e-12)
    if kind == "features_label" or (kind == "table" and chosen.label is not None):
        np.testing.assert_array_equal(scope["y"], chosen.y)
    if kind == "table" and chosen.label is None:
        assert "y" not in scope


def test_a_table_takes_every_feature_column_and_an_optional_label():
    frame = read_csv(b"a,b,c,label\n" + b"".join(f"{i},{i * i % 7},{(3 * i) % 5},{'xyz'[i % 3]}\n".encode()
                                                   for i in range(12)))
    assert default_columns(frame, "table") == ["a", "b", "c", "label"]
    chosen = choose(frame, "table", ["a", "b", "c", "label"], max_classes=3, standardise=True)
    assert chosen.X.shape == (12, 3) and chosen.names == ("a", "b", "c") and chosen.label == "label"
    assert chosen.classes == ("x", "y", "z") and list(chosen.y[:4]) == [0, 1, 2, 0]
    np.testing.assert_allclose(chosen.X.std(axis=0), 1)
    bare = choose(frame, "table", ["c", "a", None])
    assert bare.y is None and bare.label is None and bare.names == ("c", "a")
    np.testing.assert_array_equal(bare.X[:, 1], np.arange(12))
    with pytest.raises(ValueError, match="at least two feature columns"):
        choose(frame, "table", ["a", None])
    with pytest.raises(ValueError, match="both a feature and the label"):
        choose(frame, "table", ["a", "b", "a"])
    with pytest.raises(ValueError, match="not numbers"):
        choose(frame, "table", ["a", "label", None])
    with pytest.raises(ValueError, match="3 different values"):  # the page's class limit applies to the label
        choose(frame, "table", ["a", "b", "label"])
    assert default_columns(read_csv(b"p,q\n" + b"1,2\n" * 10), "table") == ["p", "q", None]
    varying = read_csv(b"p,q,r,s\n" + b"".join(f"0,{i},{i % 3},{i % 2}\n".encode() for i in range(10)))
    assert default_columns(varying, "table") == ["q", "r", "s", None]  # a constant column is left out
    species = read_csv(b"length,width,species\n" + b"".join(f"{i},{i % 4},{'ab'[i % 2]}\n".encode() for i in range(10)))
    assert default_columns(species, "table") == ["length", "width", "species"]  # the one text column is the label


def test_a_page_may_take_more_columns_up_to_a_cap_and_no_further():
    from ui.upload import MAX_COLUMNS_CAP
    wide = (",".join(f"c{j}" for j in range(65)) + "\n" + ",".join("1" for _ in range(65)) + "\n").encode()
    with pytest.raises(ValueError, match="65 columns; the limit is 50"):
        read_csv(wide)
    assert read_csv(wide, max_columns=65).shape[1] == 65
    assert MAX_COLUMNS_CAP < 10_000


def test_min_per_class_refuses_a_class_too_small_for_the_page_and_two_stays_the_default():
    rows = [f"{i},{i % 4},{'a' if i < 3 else 'b'}" for i in range(12)]
    frame = read_csv(("x,y,label\n" + "\n".join(rows) + "\n").encode())
    assert choose(frame, "features_label", ["x", "y", "label"]).classes == ("a", "b")  # 3 rows of “a”: enough for 2
    for kind, columns in (("features_label", ["x", "y", "label"]), ("table", ["x", "y", "label"])):
        with pytest.raises(ValueError, match="has 3 rows; this page needs at least 5 rows of each class"):
            choose(frame, kind, columns, min_per_class=5)
        assert len(choose(frame, kind, columns, min_per_class=3).y) == 12
    single = read_csv(("x,y,label\n" + "\n".join(rows[2:]) + "\n").encode())
    with pytest.raises(ValueError, match="has a single row; each class needs at least two"):
        choose(single, "features_label", ["x", "y", "label"])


def test_markdown_in_names_is_shown_literally():
    text = ":red[boom] $x^2$ **bold** <b>hi</b> [link](javascript:alert(1))\nnext"
    escaped = escape_markdown(text)
    assert "\n" not in escaped
    for raw in ("$", "*", "[", "<", ":"):
        assert raw not in escaped.replace("\\" + raw, "")
    assert escaped.replace("\\", "") == text.replace("\n", " ")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_never_raise_anything_but_value_error(data):
    try:
        frame = read_csv(data)
    except ValueError:
        return
    assert isinstance(frame, pd.DataFrame) and frame.shape[1] >= 2


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=',;\t|\n\r"=+-@ .e1aA\x00', max_size=300), st.sampled_from(KINDS))
def test_random_csv_like_text_never_raises_anything_but_value_error(text, kind):
    try:
        validate(text.encode(), kind)
    except ValueError:
        pass


def test_the_holdout_split_is_stratified_seeded_and_its_code_splits_the_same():
    X = np.arange(40.0).reshape(20, 2)
    y = np.r_[np.zeros(14, int), np.ones(6, int)]
    X_fit, X_new, y_fit, y_new = holdout(X, y)
    assert len(y_new) == 6 and np.bincount(y_new).tolist() == [4, 2]  # 30 %, each class in proportion
    assert sorted(X_fit[:, 0].tolist() + X_new[:, 0].tolist()) == X[:, 0].tolist()  # every row once
    scope = {"X": X, "y": y}
    exec(holdout_code(), scope)  # our own generated code
    np.testing.assert_array_equal(scope["X_new"], X_new)
    np.testing.assert_array_equal(scope["y_fit"], y_fit)
    np.testing.assert_array_equal(holdout(X, y)[1], X_new)  # seeded: the same split every time


@pytest.mark.parametrize("n", [10, 11, 17, 40, 333, 1000, 5000])
def test_min_per_class_rows_leave_every_class_on_both_sides_of_the_holdout(n):
    from ui.upload import MIN_PER_CLASS
    y = np.r_[np.zeros(MIN_PER_CLASS, int), np.ones(n - MIN_PER_CLASS, int)]
    _, _, y_fit, y_new = holdout(np.zeros((n, 2)) + np.arange(n)[:, None], y)
    assert np.bincount(y_new, minlength=2).min() >= 1 and np.bincount(y_fit, minlength=2).min() >= 2
