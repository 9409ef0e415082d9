"""engine.retrieval against scikit-learn's TF-IDF written out by hand, and known retrieval results."""
import math

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics.pairwise import cosine_similarity

from engine import retrieval as rt
from ui.notes import load_notes

CORPUS = (
    rt.Passage("cats", "Intuition", "Cats purr. Cats sleep all day."),
    rt.Passage("dogs", "Intuition", "Dogs bark at the postman."),
    rt.Passage("birds", "Intuition", "Birds sing and birds fly south."),
)


def test_scores_equal_tfidf_cosine_written_out():
    """Known value: tf · (ln((1+N)/(1+df)) + 1), each row scaled to length 1, then the cosine."""
    index = rt.build_index(CORPUS)
    docs = [[w for w in p.text.lower().replace(".", "").split() if w not in ENGLISH_STOP_WORDS] for p in CORPUS]
    vocab = sorted({w for d in docs for w in d})
    N = len(docs)
    idf = {w: math.log((1 + N) / (1 + sum(w in d for d in docs))) + 1 for w in vocab}

    def vector(words):
        v = np.array([words.count(w) * idf[w] for w in vocab])
        return v / np.linalg.norm(v) if v.any() else v

    D = np.array([vector(d) for d in docs])
    query = "Why do birds sing when cats sleep"
    q = vector([w for w in query.lower().split() if w in vocab])
    np.testing.assert_allclose(rt.all_scores(query, index), D @ q, atol=1e-12)
    np.testing.assert_allclose(index.matrix.toarray()[:, [index.vocabulary[w] for w in vocab]], D, atol=1e-12)
    hits = rt.search_notes(query, k=3, index=index)
    order = np.argsort(-(D @ q))
    assert [h.slug for h in hits] == [CORPUS[i].slug for i in order[:2]]
    assert "dogs" not in {h.slug for h in hits}  # it shares no word: never returned
    np.testing.assert_allclose([h.score for h in hits], sorted(D @ q, reverse=True)[:2])


def test_search_notes_equals_sklearn_cosine_on_the_real_notes():
    index = rt.notes_index()
    query = "Why does precision collapse for a rare disease?"
    expected = cosine_similarity(index.matrix, index.vectorizer.transform([query])).ravel()
    hits = rt.search_notes(query, k=5)
    top = np.sort(expected)[::-1][:5]
    np.testing.assert_allclose([h.score for h in hits], top, atol=1e-12)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]


def test_each_interview_question_retrieves_its_own_page():
    """Known answer: a notes question, asked word for word, finds its own page first (nearly always)."""
    index = rt.notes_index()
    slugs = sorted({p.slug for p in index.passages})
    asked = found = 0
    for slug in slugs:
        for question in load_notes(slug).questions:
            asked += 1
            found += rt.search_notes(question.question, k=1)[0].slug == slug
    assert asked >= 2 * len(slugs)
    assert found / asked >= 0.9


def test_contributions_sum_to_scores_and_unknown_words_add_nothing():
    index = rt.build_index(CORPUS)
    query = "birds sing to zebras"
    hits = rt.search_notes(query, k=3, index=index)
    words, C = rt.term_contributions(query, hits, index=index)
    assert words == ("birds", "sing", "zebras")
    np.testing.assert_allclose(C.sum(axis=0), [h.score for h in hits])
    assert np.all(C[2] == 0)


def test_no_known_word_gives_no_hits_and_no_answer():
    assert rt.search_notes("xyzzy qwertyuiop") == ()
    assert rt.search_notes("the and of") == ()  # stop words only
    assert rt.extractive_answer("xyzzy", ()) == ()


def test_extractive_answer_copies_cited_sentences():
    index = rt.build_index(CORPUS)
    hits = rt.search_notes("where do birds fly", k=2, index=index)
    answer = rt.extractive_answer("where do birds fly", hits, n_sentences=1, index=index)
    assert answer[0].text == "Birds sing and birds fly south." and answer[0].cites == 1


def test_split_passages_sections_bullets_questions_and_state():
    text = ("## Intuition\nOne. Two.\n\n## What to notice\n- a bullet\n- another\n\n## Key formula\nx^2\n\n"
            "## Interview questions\n### Why?\nBecause.\nState: a=1&b=2\n### How?\nSo.\n\n## Common mistake\nOops.")
    passages = rt.split_passages("demo", text)
    assert [(p.section, p.text) for p in passages] == [
        ("Intuition", "One. Two."), ("What to notice", "a bullet"), ("What to notice", "another"),
        ("Interview questions", "Why?\nBecause."), ("Interview questions", "How?\nSo."), ("Common mistake", "Oops.")]
    assert passages[3].state == "a=1&b=2" and rt.state_params(passages[3].state) == {"a": "1", "b": "2"}


def test_the_rag_page_notes_are_left_out():
    assert "rag" not in {p.slug for p in rt.notes_index().passages}


@pytest.mark.parametrize("query, k, match", [
    ("", 3, "query"), ("   ", 3, "query"), ("x" * 301, 3, "query"), (None, 3, "query"),
    ("cats", 0, "k"), ("cats", 21, "k"), ("cats", 2.5, "k")])
def test_bad_inputs_raise(query, k, match):
    with pytest.raises(ValueError, match=match):
        rt.search_notes(query, k=k)


def test_build_index_rejects_an_empty_collection():
    with pytest.raises(ValueError, match="passages"):
        rt.build_index(())
