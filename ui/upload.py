"""“Use your own data”: one CSV uploader for every page that can take a student's data set.

A page calls it in a couple of lines::

    own = own_data("km", "features", max_rows=2000)      # draws the uploader; returns what to use
    if own.is_user:
        X = own.X                                          # (n, 2), the two chosen columns as z-scores
    else:
        X = ...built-in data...
    own.offer(builtin_frame)                               # the built-in data as a CSV download (the template)

``kind`` says what the page needs from the file:

``"labels_scores"``
    a label column with exactly two classes and a numeric score column (ROC): ``own.y`` is 1 for the class
    chosen as positive and 0 for the other, ``own.scores`` the scores.
``"features"``
    numeric columns, two chosen for the plots (K-means, EM): ``own.X`` (n, 2).
``"features_label"``
    two numeric feature columns and a label column with 2..``max_classes`` classes (SVM): ``own.X`` (n, 2),
    ``own.y`` (n,) the class index into ``own.classes`` (sorted, numerically when the labels are numbers).
``"table"``
    two or more numeric feature columns, all used (PCA's scree plot, t-SNE): ``own.X`` (n, d) with the
    features' names in ``own.names``, and optionally a label column (``own.label`` its name, ``own.y`` and
    ``own.classes`` as for ``features_label``; ``own.y`` is None when the student chooses none), used to
    colour or score, never as a feature.

``min_per_class`` (default 2) is the fewest rows a class may have: a page that cross-validates with k
stratified folds passes k.

Feature columns are standardised (mean 0, standard deviation 1) when the page passes ``standardise=True``:
pages that measure distances (K-means, EM, SVM) would otherwise let a column in larger units decide alone.

Everything is validated in one place by pure functions (``read_csv``, ``numeric_column``, ``label_column``,
``choose``) that take bytes or a frame and return validated data or raise ``ValueError`` with a message for
the student: what is wrong, where (rows counted as in a spreadsheet, the header being row 1) and how to fix
it. ``own_data`` shows that message with ``st.error`` and the page keeps its built-in data until a file is
valid. The file is parsed in memory and kept in this browser session only (``st.session_state``), never
written to disk; a shared link shows the built-in data, since a URL cannot carry a file. Text from the file
(column names, cells, the file name) reaches the page only through markdown-escaped text or select-box
options, never through ``unsafe_allow_html``.

The column choices are select boxes keyed by the page prefix and a digest of the file; they are not bound to
the URL (a link cannot bring the file with it). ``own.code`` is a few lines of pandas that load the same
arrays from the student's file, for a page's “Reproduce in Python” snippet.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MAX_BYTES = 2 * 1024 * 1024   # also server.maxUploadSize in .streamlit/config.toml
MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_COLUMNS_CAP = 100         # the most columns any page may ask own_data to take (t-SNE takes the 64-pixel digits)
MAX_ABS = 1e6                 # larger values are refused: squared distances and sums of them must stay exact enough
MIN_ROWS = 10
MAX_NAME = 100                # characters in a column name
KINDS = ("labels_scores", "features", "features_label", "table")
DELIMITERS = (",", ";", "\t", "|")
SHOWN = 5                     # how many offending rows or cells a message names
LABEL_NAMES = ("label", "labels", "class", "classes", "target", "y", "outcome", "truth", "category")
SCORE_WORDS = ("score", "prob", "pred", "risk", "logit", "confidence")  # a column name containing one is a score

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$")
_INFINITY = re.compile(r"^[+-]?(inf|infinity)$", re.IGNORECASE)
_MISSING = {"", "na", "n/a", "nan", "null", "none", "-", "?", "#n/a"}


# ---------------------------------------------------------------------------------------------- pure checks


def _clip(text: str, width: int = 30) -> str:
    """One line of at most ``width`` characters, for quoting a name or a cell in a message."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _rows(index, total: int | None = None) -> str:
    """'rows 3, 7 and 12' (spreadsheet numbering: data row i is row i + 2) plus how many more."""
    numbers = [f"{int(i) + 2:,}" for i in list(index)[:SHOWN]]
    total = len(index) if total is None else total
    listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    more = f" (and {total - len(numbers):,} more)" if total > len(numbers) else ""
    return ("row " if total == 1 else "rows ") + listed + more


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValueError("The file is UTF-16 text, not UTF-8. Save it again as “CSV UTF-8 (comma delimited)”.")
    if data[:4] == b"PK\x03\x04":
        raise ValueError("This is an Excel workbook (.xlsx) or another zip file, not CSV text. In Excel, use "
                         "File → Save As → “CSV UTF-8 (comma delimited)” and upload that file.")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ValueError("This is an old Excel workbook (.xls), not CSV text. In Excel, use File → Save As → "
                         "“CSV UTF-8 (comma delimited)” and upload that file.")
    if b"\x00" in data[:MAX_BYTES]:
        raise ValueError("The file holds binary data (zero bytes), so it is not a CSV text file. Export your "
                         "table as CSV (“CSV UTF-8”) and upload that.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start:,} "
                         "cannot be read). Save it again as “CSV UTF-8”; older “CSV” exports use another "
                         "encoding.") from None
    controls = sum(1 for ch in text[:20_000] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > 5:
        raise ValueError("The file is full of control characters, so it is not a CSV text file. Export your "
                         "table as CSV (“CSV UTF-8”) and upload that.")
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or bar) that splits the first lines into the same number of
    fields, the most fields winning; a comma when none does."""
    lines = [line for line in text.splitlines() if line.strip()][:20]
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        try:
            counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        except csv.Error:
            continue
        if len(counts) == 1 and (fields := counts.pop()) > best_fields:
            best, best_fields = delimiter, fields
    if best_fields == 1 and lines:  # ragged rows: take the delimiter the header uses most
        header = lines[0]
        counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
        delimiter = max(counts, key=counts.get)
        if counts[delimiter]:
            best = delimiter
    return best


def read_csv(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
             max_columns: int = MAX_COLUMNS) -> pd.DataFrame:
    """Parse an uploaded CSV file into a frame of stripped text cells, or raise ``ValueError`` saying why not.

    Parameters
    ----------
    data : bytes
        The file's bytes (UTF-8, with or without a byte-order mark; comma, semicolon, tab or bar separated;
        LF or CRLF line ends).
    max_bytes, max_rows, max_columns : int
        Limits; a file over one is refused with a message that says which.

    Returns
    -------
    pandas.DataFrame
        shape (n_rows, n_columns), every cell a ``str`` stripped of surrounding spaces, the header's names as
        columns (an unnamed column becomes ``column 3``). ``frame.attrs["delimiter"]`` is the delimiter found.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise ValueError("The upload did not arrive as a file; upload it again.")
    data = bytes(data)
    if len(data) > max_bytes:
        raise ValueError(f"The file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB. Keep "
                         f"fewer rows (at most {max_rows:,}) or fewer columns.")
    if not data.strip():
        raise ValueError("The file is empty. Upload a CSV file with a header row and at least "
                         f"{MIN_ROWS} data rows.")
    text = _decode(data)
    if not text.strip():
        raise ValueError("The file is empty. Upload a CSV file with a header row and at least "
                         f"{MIN_ROWS} data rows.")
    delimiter = sniff_delimiter(text)
    first = next(line for line in text.splitlines() if line.strip())
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except csv.Error:
        header = first.split(delimiter)
    if len(header) > max_columns:
        raise ValueError(f"The file has {len(header):,} columns; the limit is {max_columns}. Keep only the "
                         "columns you need.")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True, nrows=max_rows + 2, header=None, quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if found:
            expected, line, saw = found.groups()
            raise ValueError(f"Row {int(line):,} has {saw} fields but the header has {expected}. Every row needs "
                             "one value per column (check for an extra separator or an unquoted comma "
                             "inside a value).") from None
        raise ValueError("The file could not be read as CSV (a quote may be left open). Export it again as "
                         "CSV from your spreadsheet.") from None
    except (pd.errors.EmptyDataError, csv.Error, UnicodeError, OverflowError, ValueError):
        raise ValueError("The file could not be read as CSV. Export it again as CSV from your spreadsheet.") from None
    if frame.shape[1] > max_columns:
        raise ValueError(f"The file has {frame.shape[1]:,} columns; the limit is {max_columns}. Keep only the "
                         "columns you need.")
    frame = frame.fillna("")
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.strip()
    names = [name or f"column {j + 1}" for j, name in enumerate(frame.iloc[0].tolist())] if len(frame) else []
    frame = frame.iloc[1:].reset_index(drop=True)
    if frame.shape[1] < 2:
        raise ValueError("The file has only one column. This page needs at least two (for example a label and "
                         "a score, or two features). If your columns are there, the separator was not "
                         "recognised: use commas or semicolons between values.")
    if len(frame) == 0:
        raise ValueError(f"The file has a header row but no data. Add at least {MIN_ROWS} rows of values.")
    if len(frame) > max_rows:
        raise ValueError(f"The file has more than {max_rows:,} data rows; the limit here is {max_rows:,}. Upload "
                         "a sample of your rows.")
    long = [j for j, name in enumerate(names) if len(name) > MAX_NAME]
    if long:
        raise ValueError(f"Column {long[0] + 1} has a name of {len(names[long[0]]):,} characters; names may have at "
                         f"most {MAX_NAME}. Shorten the header row (it should name the columns, not hold data).")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError("Two columns have the same name (" + ", ".join(f"“{_clip(n)}”" for n in duplicates[:SHOWN])
                         + "). Give every column its own name in the header row.")
    if all(_NUMBER.match(name) or _DECIMAL_COMMA.match(name) for name in names):
        raise ValueError("The first row holds numbers, not column names. Add a header row that names the "
                         "columns, such as x,y,label.")
    frame.columns = names
    _refuse_formulas(frame, names)
    frame.attrs["delimiter"] = delimiter
    return frame


def _looks_like_formula(cells: pd.Series) -> pd.Series:
    first = cells.str[:1]
    signed = first.isin(["+", "-"]) & (cells.str.len() > 1)
    numeric = (cells.str.match(_NUMBER.pattern) | cells.str.match(_DECIMAL_COMMA.pattern)
               | cells.str.match(_INFINITY.pattern, flags=re.IGNORECASE))
    return first.isin(["=", "@"]) | (signed & ~numeric)


def _refuse_formulas(frame: pd.DataFrame, names: list[str]) -> None:
    """Cells (or names) that a spreadsheet would run as a formula: =…, @…, or +/− followed by text."""
    found = [f"the header (“{_clip(name)}”)" for name in names if _looks_like_formula(pd.Series([name])).iloc[0]]
    for name in names:
        flagged = np.flatnonzero(_looks_like_formula(frame[name]).to_numpy())
        found += [f"{_rows([i])} of “{_clip(name, 20)}” (“{_clip(frame[name].iloc[i], 20)}”)" for i in flagged[:SHOWN]]
        if len(found) >= SHOWN:
            break
    if found:
        raise ValueError("Some cells look like spreadsheet formulas, which this playground does not accept: "
                         + "; ".join(found[:SHOWN]) + ". Replace formulas by their values (copy, then paste "
                         "as values) and save as CSV again.")


def numeric_column(frame: pd.DataFrame, name: str, max_abs: float = MAX_ABS) -> np.ndarray:
    """Column ``name`` as finite floats, or ``ValueError`` naming the rows that are missing, not numbers,
    infinite or too large. A semicolon-separated file may use decimal commas (``1,5``)."""
    if name not in frame.columns:
        raise ValueError(f"There is no column “{_clip(name)}”; choose one of the file's columns.")
    cells = frame[name].astype(str)
    if frame.attrs.get("delimiter", ",") != ",":
        commas = cells.str.match(_DECIMAL_COMMA.pattern)
        cells = cells.where(~commas, cells.str.replace(",", ".", regex=False))
    missing = cells.str.lower().isin(_MISSING)
    values = pd.to_numeric(cells.where(~missing, None), errors="coerce").to_numpy(dtype=float)
    label = f"Column “{_clip(name)}”"
    if missing.any():
        rows = np.flatnonzero(missing.to_numpy())
        raise ValueError(f"{label} has missing values in {_rows(rows)}. Fill them in or delete those rows.")
    text = np.flatnonzero(np.isnan(values))
    if len(text):
        examples = ", ".join(f"“{_clip(cells.iloc[i], 15)}”" for i in text[:3])
        raise ValueError(f"{label} has values that are not numbers in {_rows(text)} ({examples}). This column "
                         "must hold numbers only; choose another column or fix those cells.")
    infinite = np.flatnonzero(np.isinf(values))
    if len(infinite):
        raise ValueError(f"{label} has infinite values in {_rows(infinite)}. Replace them by finite numbers or "
                         "delete those rows.")
    large = np.flatnonzero(np.abs(values) > max_abs)
    if len(large):
        raise ValueError(f"{label} has values beyond ±{max_abs:,.0f} in {_rows(large)}, too large for the maths "
                         "here (squared distances lose their precision). Rescale the column, e.g. divide it "
                         "by a power of ten.")
    return values


@dataclass(frozen=True)
class Labels:
    """A label column as class indices: ``codes`` (n,) ints into ``classes`` (sorted; numerically when every
    label is a number, so ``1`` and ``1.0`` are one class)."""

    codes: np.ndarray
    classes: tuple[str, ...]
    numeric: bool


def label_column(frame: pd.DataFrame, name: str, min_classes: int = 2, max_classes: int = 2) -> Labels:
    """Column ``name`` as class labels, or ``ValueError`` for missing labels or a wrong number of classes."""
    if name not in frame.columns:
        raise ValueError(f"There is no column “{_clip(name)}”; choose one of the file's columns.")
    cells = frame[name].astype(str)
    label = f"Label column “{_clip(name)}”"
    missing = cells.str.lower().isin(_MISSING - {"-"}) | (cells == "")
    if missing.any():
        rows = np.flatnonzero(missing.to_numpy())
        raise ValueError(f"{label} has missing labels in {_rows(rows)}. Give every row a class or delete it.")
    numbers = pd.to_numeric(cells, errors="coerce")
    numeric = bool(numbers.notna().all() and np.isfinite(numbers.to_numpy(dtype=float)).all())
    keys = numbers.to_numpy(dtype=float) if numeric else cells.to_numpy()
    classes, codes = np.unique(keys, return_inverse=True)
    count = len(classes)
    wanted = (f"exactly {max_classes}" if min_classes == max_classes else f"{min_classes} to {max_classes}")
    if count < min_classes:
        raise ValueError(f"{label} has only one class (“{_clip(cells.iloc[0], 15)}”): this page needs {wanted} "
                         "classes. Choose the column that holds the classes, or add rows of the other class.")
    if count > max_classes:
        shown = ", ".join(f"“{_clip(c, 12)}”" for c in (_format_number(c) if numeric else c for c in classes[:4]))
        raise ValueError(f"{label} has {count:,} different values ({shown}{', …' if count > 4 else ''}); this page "
                         f"handles {wanted} classes. Choose the column that holds the classes, or merge classes.")
    names = tuple(_format_number(c) if numeric else str(c) for c in classes)
    return Labels(codes.astype(int).ravel(), names, numeric)


def _format_number(value: float) -> str:
    return f"{value:g}"


def default_positive(classes: tuple[str, ...]) -> int:
    """Index of the class most likely meant as positive: 1, true, yes, pos… else the last in sort order."""
    for j, name in enumerate(classes):
        if name.strip().lower() in ("1", "true", "yes", "y", "pos", "positive", "+", "case", "disease", "spam"):
            return j
    return len(classes) - 1


def default_columns(frame: pd.DataFrame, kind: str) -> list[str]:
    """The columns to preselect: a label-like name for the label, numeric-looking columns for the rest."""
    names = list(frame.columns)
    head = frame.head(50)
    numeric = [n for n in names if pd.to_numeric(head[n].str.replace(",", ".", regex=False), errors="coerce").notna().mean() > 0.8]
    numeric.sort(key=lambda n: n.startswith("column "))  # an unnamed column (a saved index) goes last
    label = next((n for n in names if n.strip().lower() in LABEL_NAMES), None)
    if kind == "features":
        pool = numeric + [n for n in names if n not in numeric]
        return pool[:2]
    if kind == "table":  # every numeric-looking column that varies, but the label: one named so, else the only text column
        text = [n for n in names if n not in numeric and not n.startswith("column ")]
        if label is None and len(text) == 1:
            label = text[0]
        features = [n for n in numeric if n != label and not n.startswith("column ") and frame[n].nunique() > 1]
        if len(features) < 2:
            features = [n for n in names if n != label][: max(2, len(features))]
        return [*features, label]
    if label is None:  # the column with the fewest distinct values among the last ones
        label = min(reversed(names), key=lambda n: frame[n].nunique())
    others = [n for n in numeric if n != label] + [n for n in names if n != label and n not in numeric]
    if kind == "labels_scores":
        score = next((n for n in others if any(word in n.lower() for word in SCORE_WORDS)), others[0])
        return [label, score]
    return [*others[:2], label]


@dataclass(frozen=True)
class Chosen:
    """Validated arrays from the chosen columns (see the module docstring for each kind)."""

    X: np.ndarray | None
    y: np.ndarray | None
    scores: np.ndarray | None
    names: tuple[str, ...]
    classes: tuple[str, ...]
    standardised: bool
    positive: str | None = None   # labels_scores: the class called positive
    numeric_labels: bool = False  # the label column holds numbers
    label: str | None = None      # table: the label column's name, if one was chosen


def _class_sizes(labels: Labels, name: str, min_per_class: int) -> None:
    """``ValueError`` when a class has fewer than ``min_per_class`` rows."""
    counts = np.bincount(labels.codes, minlength=len(labels.classes))
    if counts.min() < min_per_class:
        lonely = labels.classes[int(counts.argmin())]
        if counts.min() == 1 and min_per_class == 2:
            raise ValueError(f"Class “{_clip(lonely, 15)}” of “{_clip(name)}” has a single row; each class "
                             "needs at least two.")
        raise ValueError(f"Class “{_clip(lonely, 15)}” of “{_clip(name)}” has {int(counts.min())} row"
                         f"{'s' if counts.min() != 1 else ''}; this page needs at least {min_per_class} rows of "
                         "each class. Add rows of that class or merge it with another.")


def choose(frame: pd.DataFrame, kind: str, columns: list, *, positive: str | None = None,
           max_classes: int = 2, standardise: bool = False, min_rows: int = MIN_ROWS,
           min_per_class: int = 2) -> Chosen:
    """The arrays a page needs from a validated frame and the chosen column names, or ``ValueError``.

    Parameters
    ----------
    frame : pandas.DataFrame
        From ``read_csv``.
    kind : {"labels_scores", "features", "features_label", "table"}
    columns : list of str
        ``[label, score]``, ``[x, y]`` or ``[x, y, label]`` by kind; for ``table`` the feature columns
        followed by the label column's name or None.
    positive : str, optional
        For ``labels_scores``: the class called positive (default: ``default_positive``).
    max_classes : int
        For ``features_label``: the most classes the page handles.
    standardise : bool
        Feature columns as z-scores (mean 0, standard deviation 1).
    min_per_class : int
        For ``features_label`` and ``table``: the fewest rows each class must have (at least 2).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    min_per_class = max(2, int(min_per_class))
    if kind == "table":
        return _choose_table(frame, list(columns), max_classes, standardise, min_rows, min_per_class)
    wanted = 3 if kind == "features_label" else 2
    if len(columns) != wanted or len(set(columns)) != wanted:
        raise ValueError("Choose " + ("three different columns: two features and the label." if wanted == 3 else
                                      "two different columns.") + " One column cannot play two parts.")
    if len(frame) < min_rows:
        raise ValueError(f"The file has {len(frame)} data rows; this page needs at least {min_rows}.")
    if kind == "labels_scores":
        labels = label_column(frame, columns[0], 2, 2)
        scores = numeric_column(frame, columns[1])
        index = labels.classes.index(positive) if positive in labels.classes else default_positive(labels.classes)
        return Chosen(None, (labels.codes == index).astype(int), scores, tuple(columns), labels.classes, False,
                      labels.classes[index], labels.numeric)
    X = np.column_stack([numeric_column(frame, name) for name in columns[:2]])
    for j, name in enumerate(columns[:2]):
        if np.ptp(X[:, j]) == 0:
            raise ValueError(f"Column “{_clip(name)}” has the same value in every row, so it cannot separate or "
                             "group anything. Choose a column that varies.")
    if standardise:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    if kind == "features":
        return Chosen(X, None, None, tuple(columns), (), standardise)
    labels = label_column(frame, columns[2], 2, max_classes)
    _class_sizes(labels, columns[2], min_per_class)
    return Chosen(X, labels.codes, None, tuple(columns), labels.classes, standardise, None, labels.numeric)


def _choose_table(frame: pd.DataFrame, columns: list, max_classes: int, standardise: bool, min_rows: int,
                  min_per_class: int) -> Chosen:
    """``choose`` for kind ``table``: ``columns`` is the features, then the label's name or None."""
    features, label = [c for c in columns[:-1]], (columns[-1] if columns else None)
    if len(features) < 2:
        raise ValueError("Choose at least two feature columns (numbers): this page needs a table of features.")
    if len(set(features)) != len(features) or label in features:
        raise ValueError("Choose each column once: one column cannot be both a feature and the label.")
    if len(frame) < min_rows:
        raise ValueError(f"The file has {len(frame)} data rows; this page needs at least {min_rows}.")
    X = np.column_stack([numeric_column(frame, name) for name in features])
    for j, name in enumerate(features):
        if np.ptp(X[:, j]) == 0:
            raise ValueError(f"Column “{_clip(name)}” has the same value in every row, so it carries nothing. "
                             "Leave it out of the features.")
    if standardise:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    if label is None:
        return Chosen(X, None, None, tuple(features), (), standardise)
    labels = label_column(frame, label, 2, max_classes)
    _class_sizes(labels, label, min_per_class)
    return Chosen(X, labels.codes, None, tuple(features), labels.classes, standardise, None, labels.numeric, label)


def loading_code(kind: str, chosen: Chosen, file_name: str, delimiter: str = ",") -> str:
    """Python (pandas) that loads the same arrays from the student's file, for a page's snippet: defines
    ``labels, scores`` (labels_scores) or ``X`` (features) or ``X, y`` (features_label)."""
    sep = "" if delimiter == "," else f", sep={delimiter!r}"
    decimal = "" if delimiter == "," else ', decimal=","'
    lines = ["import pandas as pd",
             f"data = pd.read_csv({_clip(file_name, 80)!r}{sep}{decimal}, skipinitialspace=True)",
             "data.columns = data.columns.str.strip()"]
    names = chosen.names

    def label_values(name):
        return f"data[{name!r}].astype(float)" if chosen.numeric_labels else f"data[{name!r}].astype(str).str.strip()"

    if kind == "labels_scores":
        positive = float(chosen.positive) if chosen.numeric_labels else chosen.positive
        return "\n".join(lines + [f"labels = ({label_values(names[0])} == {positive!r}).astype(int).to_numpy()",
                                  f"scores = data[{names[1]!r}].to_numpy(dtype=float)"])
    features = list(names) if kind == "table" else list(names[:2])
    lines += [f"X = data[{features!r}].to_numpy(dtype=float)"]
    if chosen.standardised:
        lines += ["X = (X - X.mean(axis=0)) / X.std(axis=0)  # z-scores, as on the page"]
    if kind == "features_label":
        lines += [f"y = pd.factorize({label_values(names[2])}, sort=True)[0]"]
    if kind == "table" and chosen.label is not None:
        lines += [f"y = pd.factorize({label_values(chosen.label)}, sort=True)[0]"]
    return "\n".join(lines)


HOLDOUT = 0.3  # the share of a file's rows a page holds out as new data
MIN_PER_CLASS = 5  # a page that holds rows out passes this to own_data: every class then has rows on both sides


def holdout(X: np.ndarray, y: np.ndarray, share: float = HOLDOUT) -> tuple[np.ndarray, ...]:
    """A file's rows split once into rows to fit and rows held out as new data, stratified by class and
    seeded (``random_state=0``), for pages whose built-in generator draws fresh test points: returns
    ``(X_fit, X_new, y_fit, y_new)``. ``holdout_code`` is the same split for a snippet."""
    from sklearn.model_selection import train_test_split
    return tuple(train_test_split(X, y, test_size=share, stratify=y, random_state=0))


def holdout_code(share: float = HOLDOUT) -> str:
    """Python that splits ``X, y`` as ``holdout`` does, into ``X_fit, X_new, y_fit, y_new``."""
    return ("from sklearn.model_selection import train_test_split\n"
            f"X_fit, X_new, y_fit, y_new = train_test_split(X, y, test_size={share!r}, stratify=y, random_state=0)")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]
def axis_title(name: str) -> str:
    """A column name as a Plotly axis title: clipped, with ``<``, ``>`` and ``&`` as entities (Plotly reads
    a little HTML in titles)."""
    import html
    return html.escape(_clip(name, 40), quote=False)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&\"'])")


def escape_markdown(text: str) -> str:
    """``text`` as literal characters in Streamlit markdown: every ASCII punctuation mark that markdown,
    Streamlit's ``:color[…]`` / ``:material/…:`` directives or LaTeX (``$``) could read is backslash-escaped,
    and line breaks become spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


# ------------------------------------------------------------------------------------------------- the widget


@dataclass(frozen=True)
class OwnData:
    """What ``own_data`` returns: the student's validated data (``is_user``) or nothing (use the built-in).

    ``X``, ``y``, ``scores``, ``names`` and ``classes`` as in ``Chosen``; ``key`` a digest of the file and the
    choices (for widget keys and captions); ``code`` pandas lines that load the same arrays (for a snippet).
    """

    is_user: bool
    X: np.ndarray | None = None
    y: np.ndarray | None = None
    scores: np.ndarray | None = None
    names: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    positive: str | None = None
    standardised: bool = False
    file_name: str = ""
    key: str = ""
    code: str = ""
    download_box: Any = field(default=None, repr=False, compare=False)
    slug: str = ""
    label: str | None = None  # table: the label column's name, if one was chosen

    def offer(self, builtin: pd.DataFrame, file_name: str | None = None) -> None:
        """The built-in data as a CSV download, in the uploader's panel: also the template of the columns."""
        import streamlit as st
        if self.download_box is None:
            return
        with self.download_box:
            st.download_button("Built-in data as CSV (a template)", builtin.to_csv(index=False),
                               file_name=file_name or f"{self.slug}_builtin.csv", mime="text/csv",
                               on_click="ignore", icon=":material/download:", type="tertiary")


NEEDS = {"labels_scores": "a label column (two classes) and a score column",
         "features": "two or more numeric columns (you choose two)",
         "features_label": "two numeric features and a label column (two classes)",
         "table": "two or more numeric feature columns, and optionally a label column"}


def _parsed(prefix: str, upload, max_columns: int = MAX_COLUMNS) -> tuple[str, pd.DataFrame | ValueError]:
    """The upload parsed once per file and kept in this session only (``st.session_state``)."""
    import streamlit as st
    data = upload.getvalue()
    key = digest(data)
    memo = st.session_state.get(f"{prefix}_upload_memo")
    if memo is None or memo[0] != key:
        try:
            result: pd.DataFrame | ValueError = read_csv(data, max_columns=max_columns)
        except ValueError as error:
            result = error
        memo = (key, result)
        st.session_state[f"{prefix}_upload_memo"] = memo
    return memo


def own_data(prefix: str, kind: str, *, max_rows: int = MAX_ROWS, max_classes: int = 2, standardise: bool = False,
             slug: str | None = None, min_rows: int = MIN_ROWS, min_per_class: int = 2,
             max_columns: int = MAX_COLUMNS) -> OwnData:
    """Draw the “Use your own data” panel (uploader, column choice, messages) and return what to plot.

    Parameters
    ----------
    prefix : str
        The page's key prefix (``roc``, ``km``…): the widgets are ``<prefix>_upload`` and friends.
    kind : {"labels_scores", "features", "features_label", "table"}
        What the page needs (module docstring).
    max_rows : int
        This page's row limit (at most ``MAX_ROWS``), said next to the control.
    max_classes : int
        ``features_label``: the most classes the page handles.
    standardise : bool
        Feature columns as z-scores.
    min_per_class : int
        ``features_label`` and ``table``: the fewest rows of each class (e.g. k for k stratified folds).
    max_columns : int
        The most columns a file may have (at most ``MAX_COLUMNS_CAP``): a ``table`` page whose built-in data
        has more than ``MAX_COLUMNS`` passes its own, so its template can be uploaded back.

    Returns
    -------
    OwnData
        ``is_user`` False (the page keeps its built-in data) until a valid file and valid columns are chosen.
    """
    import streamlit as st
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    max_rows = min(int(max_rows), MAX_ROWS)
    max_columns = min(int(max_columns), MAX_COLUMNS_CAP)
    upload_key = f"{prefix}_upload"
    has_file = st.session_state.get(upload_key) is not None
    panel = st.expander("Use your own data (CSV)", icon=":material/upload_file:", expanded=has_file)
    with panel:  # offer() appends the download to the panel later: no extra containers (each costs a re-render)
        needs = NEEDS[kind]
        if kind in ("features_label", "table") and max_classes != 2:
            needs = needs.replace("(two classes)", f"(2 to {max_classes} classes)")
            needs += f" (2 to {max_classes} classes)" if kind == "table" else ""
        if min_per_class > 2:
            needs += f", at least {min_per_class} rows of each class"
        st.markdown(f"A CSV with a header row and {needs}; at most **2 MB**, **{max_rows:,} rows**, "
                    f"{max_columns} columns.  \n:small[:gray[Kept in this browser session only, never saved. A "
                    "shared link shows the built-in data: a link cannot carry a file.]]")
        upload = st.file_uploader("CSV file", type=["csv"], key=upload_key, max_upload_size=MAX_BYTES // 2**20,
                                  label_visibility="collapsed")
        base = OwnData(False, download_box=panel, slug=slug or prefix)
        if upload is None:
            return base
        key, parsed = _parsed(prefix, upload, max_columns)
    with panel:
        try:
            if isinstance(parsed, ValueError):
                raise parsed
            if len(parsed) > max_rows:
                raise ValueError(f"The file has {len(parsed):,} data rows; this page takes at most {max_rows:,}. "
                                 "Upload a sample of your rows.")
            if len(parsed) < min_rows:
                raise ValueError(f"The file has {len(parsed)} data rows; this page needs at least {min_rows}.")
            columns, positive = _column_choice(prefix, key, parsed, kind)
            chosen = choose(parsed, kind, columns, positive=positive, max_classes=max_classes,
                            standardise=standardise, min_rows=min_rows, min_per_class=min_per_class)
        except ValueError as error:
            st.error(escape_markdown(str(error)) + "  \n*The page shows its built-in data until the file is fixed.*",
                     icon=":material/error:")
            return base
        n = len(parsed)
        note = " Features as z-scores (mean 0, SD 1)." if standardise else ""
        st.caption(f":material/check_circle: Using your file ({n:,} rows).{note} Controls that only shape the "
                   "built-in data are hidden.")
        choice_key = hashlib.sha256(repr((key, chosen.names, chosen.positive, chosen.label)).encode()).hexdigest()[:12]
        return OwnData(True, chosen.X, chosen.y, chosen.scores, chosen.names, chosen.classes, chosen.positive,
                       chosen.standardised, upload.name, choice_key,
                       loading_code(kind, chosen, upload.name, parsed.attrs.get("delimiter", ",")),
                       panel, slug or prefix, chosen.label)


ROLES = {"labels_scores": ("Label column", "Score column"), "features": ("x axis", "y axis"),
         "features_label": ("Feature on the x axis", "Feature on the y axis", "Label column")}


def _column_choice(prefix: str, key: str, frame: pd.DataFrame, kind: str) -> tuple[list[str], str | None]:
    """Select boxes choosing the columns by name (and the positive class for labels_scores)."""
    import streamlit as st
    names = list(frame.columns)
    defaults = default_columns(frame, kind)
    if kind == "table":
        features = st.multiselect("Feature columns", names, default=defaults[:-1], key=f"{prefix}_cols_{key}")
        label = st.selectbox("Label column (optional, never a feature)", [None, *names],
                             index=0 if defaults[-1] is None else names.index(defaults[-1]) + 1,
                             format_func=lambda name: "(none)" if name is None else name, key=f"{prefix}_lab_{key}")
        return [*features, label], None
    columns = [st.selectbox(role, names, index=names.index(default), key=f"{prefix}_col{j}_{key}")
               for j, (role, default) in enumerate(zip(ROLES[kind], defaults))]
    positive = None
    if kind == "labels_scores" and columns[0] != columns[1]:
        labels = label_column(frame, columns[0], 2, 2)
        positive = st.selectbox("Positive class", labels.classes, index=default_positive(labels.classes),
                                key=f"{prefix}_pos_{key}_{hashlib.sha256(columns[0].encode()).hexdigest()[:6]}")
    return columns, positive
