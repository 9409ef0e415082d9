"""Retrieval over the playground's own notes: passages, a TF-IDF index (scikit-learn), an extractive answer.

The R of RAG, offline: every ``assets/notes/<slug>.md`` that exists is split into passages (the intuition,
each "What to notice" bullet, each interview question with its answer, the common mistake; the LaTeX of
"Key formula" is left out), indexed with scikit-learn's ``TfidfVectorizer`` (English stop words removed,
rows L2-normalised), and a query is scored against every passage by cosine similarity. The "generation" is
extractive: the sentences of the retrieved passages that score highest against the query, each citing the
passage it came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np

from engine._validate import check_int

NOTES_DIR = Path(__file__).resolve().parent.parent / "assets" / "notes"
MAX_QUERY_CHARS, MAX_K = 300, 20
SKIPPED_SECTIONS = ("Key formula",)
# The RAG page's own notes quote its example questions word for word, so every example would find them.
EXCLUDED = ("rag",)


@dataclass(frozen=True)
class Passage:
    """One retrievable piece of a notes file: its page ``slug``, the ``section`` heading, the ``text``, and
    for an interview question the URL ``state`` its answer names (``key=value&…``, '' if none)."""

    slug: str
    section: str
    text: str
    state: str = ""


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its cosine ``score`` against the query (in (0, 1]) and its ``rank`` (1 = best)."""

    slug: str
    section: str
    text: str
    score: float
    rank: int
    state: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence of the extractive answer, its cosine ``score`` against the query and the rank of the
    hit it cites."""

    text: str
    score: float
    cites: int


def split_passages(slug: str, text: str) -> tuple[Passage, ...]:
    """Split one notes file into passages.

    Sections start at ``## ``; inside a section a passage ends at a blank line, a ``- `` bullet or a
    ``### `` question heading. A trailing ``State: …`` line is removed from the text and kept as ``state``.
    """
    passages = []
    for part in re.split(r"^## ", text, flags=re.M)[1:]:
        section, _, body = part.partition("\n")
        section = section.strip()
        if section in SKIPPED_SECTIONS:
            continue
        for block in re.split(r"\n(?=### |- )|\n\s*\n", body):
            state = "&".join(m.strip() for m in re.findall(r"^State:(.*)$", block, flags=re.M))
            block = re.sub(r"^State:.*$", "", block, flags=re.M).strip()
            block = re.sub(r"^(### |- )", "", block).strip()
            if block:
                passages.append(Passage(slug, section, block, state))
    return tuple(passages)


def load_passages(notes_dir: Path | str = NOTES_DIR, exclude=EXCLUDED) -> tuple[Passage, ...]:
    """Every passage of every ``*.md`` in ``notes_dir`` (but the slugs in ``exclude``), files in name order."""
    paths = [p for p in sorted(Path(notes_dir).glob("*.md")) if p.stem not in exclude]
    return tuple(p for path in paths for p in split_passages(path.stem, path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Index:
    """``passages`` (n,), the fitted ``vectorizer``, ``matrix`` (n, vocabulary) of L2-normalised TF-IDF rows."""

    passages: tuple[Passage, ...]
    vectorizer: object
    matrix: object  # scipy.sparse CSR

    @property
    def vocabulary(self) -> dict[str, int]:
        return self.vectorizer.vocabulary_


def build_index(passages) -> Index:
    """Fit ``TfidfVectorizer(stop_words="english")`` on the passages' texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    passages = tuple(passages)
    if not passages:
        raise ValueError("passages must not be empty: there is nothing to search")
    vectorizer = TfidfVectorizer(stop_words="english")
    matrix = vectorizer.fit_transform([p.text for p in passages]).tocsr()
    return Index(passages, vectorizer, matrix)


def fingerprint(notes_dir: Path | str = NOTES_DIR) -> tuple:
    """(name, mtime, size) of every notes file: changes when a file is added, removed or edited."""
    notes_dir = Path(notes_dir)
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(notes_dir.glob("*.md")))


@lru_cache(maxsize=4)
def _cached_index(notes_dir: str, fingerprint: tuple) -> Index:
    return build_index(load_passages(notes_dir))


def notes_index(notes_dir: Path | str = NOTES_DIR) -> Index:
    """The index of the notes as they are on disk now, the RAG page's own left out (rebuilt when a file is
    added or changes)."""
    notes_dir = Path(notes_dir)
    return _cached_index(str(notes_dir), fingerprint(notes_dir))


def check_query(query) -> str:
    if not isinstance(query, str):
        raise ValueError(f"query must be text, got {type(query).__name__}")
    query = query.strip()
    if not query:
        raise ValueError("query must not be empty")
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"query must be at most {MAX_QUERY_CHARS} characters, got {len(query)}")
    return query


def all_scores(query: str, index: Index | None = None) -> np.ndarray:
    """Cosine similarity of the query's TF-IDF vector to every passage, shape (n_passages,)."""
    index = notes_index() if index is None else index
    q = index.vectorizer.transform([check_query(query)])
    return np.asarray((index.matrix @ q.T).todense()).ravel()


def search_notes(query, k=3, index: Index | None = None) -> tuple[Hit, ...]:
    """The k passages of the notes most similar to ``query``, best first.

    Parameters
    ----------
    query : str, at most 300 characters
    k : int in [1, 20]
    index : the index to search (default: every notes file under ``assets/notes/``)

    Returns
    -------
    tuple of up to k ``Hit`` with ``.slug``, ``.section``, ``.text``, ``.score`` (cosine of TF-IDF vectors),
    best first; passages with score 0 (no shared word) are never returned, so a query with no known word
    returns ``()``. Ties keep the passages' order.
    """
    k = check_int("k", k, 1, MAX_K)
    index = notes_index() if index is None else index
    scores = all_scores(query, index)
    order = np.argsort(-scores, kind="stable")[:k]
    return tuple(Hit(p.slug, p.section, p.text, float(scores[i]), rank, p.state)
                 for rank, i in enumerate(order, start=1) if scores[i] > 0 for p in [index.passages[i]])


def term_contributions(query, hits, index: Index | None = None) -> tuple[tuple[str, ...], np.ndarray]:
    """The query's words and what each adds to each hit's score.

    Returns ``(words, C)`` where ``words`` are the query's tokens as the vectorizer sees them (stop words
    dropped, each once, in query order; words outside the vocabulary included) and ``C`` has shape
    (len(words), len(hits)) with C[t, j] = q_t · d_jt, so each column sums to that hit's score.
    """
    index = notes_index() if index is None else index
    query = check_query(query)
    analyse = index.vectorizer.build_analyzer()
    words = tuple(dict.fromkeys(analyse(query)))
    q = index.vectorizer.transform([query]).toarray().ravel()
    columns = []
    by_key = {(p.slug, p.section, p.text): i for i, p in enumerate(index.passages)}
    for hit in hits:
        i = by_key[(hit.slug, hit.section, hit.text)]
        columns.append(index.matrix[i].toarray().ravel())
    C = np.zeros((len(words), len(columns)))
    for t, word in enumerate(words):
        column = index.vocabulary.get(word)
        if column is not None:
            C[t] = [q[column] * d[column] for d in columns]
    return words, C


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage: split after ., ! or ? followed by a space (markdown left as it is)."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*(\"'`])", text) if s.strip()]


def extractive_answer(query, hits, n_sentences=2, index: Index | None = None) -> tuple[Sentence, ...]:
    """The ``n_sentences`` sentences of the hits most similar to the query (cosine of TF-IDF vectors under
    the index's vectorizer), best first, each citing its hit's rank; questions (sentences ending in "?") and
    sentences with score 0 are left out."""
    n_sentences = check_int("n_sentences", n_sentences, 1, 5)
    index = notes_index() if index is None else index
    query = check_query(query)
    candidates = [(sentence, hit.rank) for hit in hits for sentence in split_sentences(hit.text)
                  if not sentence.endswith("?")]  # an interview question's heading is not an answer
    if not candidates:
        return ()
    q = index.vectorizer.transform([query])
    S = index.vectorizer.transform([s for s, _ in candidates])
    scores = np.asarray((S @ q.T).todense()).ravel()
    order = np.argsort(-scores, kind="stable")[:n_sentences]
    return tuple(Sentence(candidates[i][0], float(scores[i]), candidates[i][1]) for i in order if scores[i] > 0)


def state_params(state: str) -> dict[str, str]:
    """A passage's ``State:`` text as URL parameters (empty when it has none or it does not parse)."""
    try:
        return dict(parse_qsl(state, strict_parsing=True)) if state else {}
    except ValueError:
        return {}
