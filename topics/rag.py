"""RAG: retrieve passages from this playground's own notes (TF-IDF), score them, answer by extraction."""
import numpy as np
import streamlit as st

from engine import retrieval as rt
from ui import controls
from ui.catalog import TOPICS
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, show

# Example questions: each answered by one page, asked in its words and in other words (a paraphrase).
EXAMPLES = {
    "Attention √d_k": ("attention", "Why divide the attention scores by the square root of d_k?"),
    "Attention √d_k, other words": ("attention", "Why do transformers shrink the dot products before the exponentials?"),
    "GRU gate": ("rnn_gru", "What does the update gate of a GRU decide?"),
    "GRU gate, other words": ("rnn_gru", "What part lets a looping net keep what it knew before?"),
    "Bloom false positives": ("bloom_filter", "What is the false positive rate of a Bloom filter?"),
    "Bloom, other words": ("bloom_filter", "How often does a compact set-membership sketch give bogus matches?"),
}
SHOWN_BARS, MAX_CHARS = 10, 360
LABEL_CHARS = 40  # a bar's label, rank first (so labels stay distinct), cut to fit the chart's left margin
TITLES = {t.slug: t.title for t in TOPICS}


@st.cache_data(max_entries=64, show_spinner=False)
def retrieve(query, k, fingerprint):
    """Scores of every passage, the best SHOWN_BARS passages with each query word's share of their scores, the
    top-k hits among them and the extracted answer (cached per question, k and state of the notes on disk).

    The shares are computed for all the shown passages, whatever k, so a k move only changes which columns
    of the chart are greyed (a layout change) and the passages just outside k stay in view."""
    index = rt.notes_index()
    scores = rt.all_scores(query, index)
    ranked = rt.search_notes(query, k=SHOWN_BARS, index=index)
    words, C = rt.term_contributions(query, ranked, index=index)
    hits = ranked[:k]  # search_notes ranks with a stable sort: its top k are the first k of its top 10
    return scores, ranked, hits, words, C, rt.extractive_answer(query, hits, n_sentences=2, index=index)


def page_link(slug, state=""):
    """A markdown link to a topic page (in the passage's state when it names one); plain text when the page
    is not in this build's catalog."""
    title = TITLES.get(slug, slug)
    if slug not in TITLES:
        return title
    return f"[{title}](/{slug}{'?' + state if rt.state_params(state) else ''})"


def short(text):
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS].rsplit(" ", 1)[0] + " …"


def hit_label(hit):
    return f"[{hit.rank}] {hit.slug} · {hit.section}"


def scores_figure(scores, index, k):
    order = np.argsort(-scores, kind="stable")[:SHOWN_BARS]
    shown = [i for i in order if scores[i] > 0]
    full = [f"{r}. {index.passages[i].slug} · {index.passages[i].section}" for r, i in enumerate(shown, 1)][::-1]
    names = [name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…" for name in full]  # fit the margin
    values = scores[shown][::-1]
    top = max(0.6, float(np.ceil(scores.max() * 5) / 5))
    pages = len({p.slug for p in index.passages})
    fig = figure(f"Best {len(shown)} of the {len(scores)} passages of {pages} pages (blue: top k = {k})", height=400,
                 margin=dict(l=270, t=60))
    # The bars stay grey traces (with their hover labels), the same for every k; the top k are painted blue
    # over them as rectangles (a bar is 0.8 of its category wide), so a k move redraws only layout.
    fig.add_trace(dict(type="bar", orientation="h", x=values, y=names, marker=dict(color=MUTED), customdata=full,
                       hovertemplate="%{customdata}: %{x:.3f}<extra></extra>"))
    for row in range(len(shown) - min(k, len(shown)), len(shown)):
        fig.add_shape(type="rect", x0=0, x1=float(values[row]), y0=row - 0.4, y1=row + 0.4, fillcolor=PALETTE[0],
                      line=dict(width=0))
    if not shown:
        fig.add_annotation(text="no shared word: no hits", x=0.5, y=0.5, xref="paper",
                           yref="paper", showarrow=False)
    fig.update_xaxes(title="cosine of TF-IDF vectors", range=[0, top])
    return fig.update_yaxes(showgrid=False, showticklabels=bool(shown))


def contributions_figure(words, C, ranked, k):
    """Each word's share of the best passages' scores; the columns past the top k are greyed, not left out
    (so a k move redraws only that grey rectangle, and the near misses stay comparable)."""
    columns = [f"[{h.rank}]" for h in ranked] or ["(no hit)"]
    z = C if ranked else np.zeros((len(words), 1))
    rows = [f"{w}" for w in words] or ["(no word left after stop words)"]
    if not words:
        z = np.zeros((1, len(columns)))
    fig = figure("Each word's share q_t·d_t of a score (grey: not in the top k)",
                 height=400, margin=dict(l=140, t=60))
    fig.add_trace(dict(type="heatmap", z=z, x=columns, y=rows, zmin=0, zmax=max(0.25, float(z.max())),
                       colorscale="Blues", reversescale=True, colorbar=dict(thickness=12),
                       text=np.char.mod("%.3f", z), texttemplate="%{text}",
                       customdata=[[h.slug for h in ranked] or [""]] * len(rows),
                       hovertemplate="%{y} in %{x} %{customdata}: %{z:.3f}<extra></extra>"))
    if k < len(ranked):
        fig.add_shape(type="rect", x0=k - 0.5, x1=len(ranked) - 0.5, y0=0, y1=1, yref="paper", layer="above",
                      fillcolor="rgba(255, 255, 255, 0.75)", line=dict(width=0))
    fig.update_xaxes(title="passage rank (a column sums to its score)", showgrid=False,
                     tickvals=columns)
    return fig.update_yaxes(title="query word", range=[len(rows) - 0.5, -0.5], showgrid=False, tickvals=rows)


SNIPPET = '''
import re
from pathlib import Path
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

NOTES = Path("assets/notes")  # run from the playground's folder, or point this at its notes
query, k = {query!r}, {k}

passages = []  # (page, section, text): a notes file split at "## ", then at blank lines, bullets and "### "
for path in sorted(NOTES.glob("*.md")):
    if path.stem == "rag":  # this page's own notes quote its examples: left out
        continue
    for part in re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        section, _, body = part.partition("\\n")
        if section.strip() == "Key formula":
            continue
        for block in re.split(r"\\n(?=### |- )|\\n\\s*\\n", body):
            block = re.sub(r"^State:.*$", "", block, flags=re.M).strip()
            block = re.sub(r"^(### |- )", "", block).strip()
            if block:
                passages.append((path.stem, section.strip(), block))

tfidf = TfidfVectorizer(stop_words="english")
D = tfidf.fit_transform([text for _, _, text in passages])  # rows are L2-normalised
scores = (D @ tfidf.transform([query]).T).toarray().ravel()  # cosine similarity
best = [i for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]
print(f"hits: {{len(best)}}")
for rank, i in enumerate(best, start=1):
    print(f"hit {{rank}}: {{passages[i][0]}} / {{passages[i][1]}}")
    print(f"score {{rank}}: {{scores[i]:.4f}}")
'''


@live_part
def query_part(controls_box, answer_box, scores_box, words_box, snippet_box):
    with controls_box:
        example = controls.choice("Example question", "rag_q", list(EXAMPLES), 0,
                                  help="Each is answered by one page; \"other words\" asks the same thing with "
                                       "different words.")
        own = controls.text("Or type your own question", "rag_own", "", max_chars=rt.MAX_QUERY_CHARS,
                            help="When filled in, this replaces the example above.")
        k = controls.slider("Passages retrieved (k)", "rag_k", 1, 10, 3)
    own = own.strip()
    target, query = (None, own) if own else EXAMPLES[example]
    index = rt.notes_index()
    scores, ranked, hits, words, C, answer = retrieve(query, k, rt.fingerprint())
    by_rank = {h.rank: h for h in hits}
    with answer_box:
        if answer:
            cited = " ".join(f"{s.text} **[{s.cites}]**" for s in answer)
            sources = "  \n".join(f"**[{h.rank}]** {page_link(h.slug, h.state)} · {h.section}"
                                  for h in hits if h.rank in {s.cites for s in answer})
            text = (f"### Extracted answer\n\n*Sentences copied from the top k passages that best match the "
                    f"question; nothing is generated.*\n\n{cited}\n\n{sources}")
        else:
            text = ("### Answer\n\nNo passage shares a word with this question (after stop words such as *the*, "
                    "*what*, *why* are dropped), so there is nothing to extract. Keyword retrieval cannot see "
                    "that different words mean the same thing.")
        passages = "\n\n".join(f"**[{h.rank}] {page_link(h.slug, h.state)} · {h.section}** — score "
                               f"{h.score:.3f}\n\n> {short(h.text)}" for h in hits) or "No hits."
        asked = "" if own else f"**Question:** *{query}*\n\n"  # a typed question is not echoed as markdown
        st.markdown(f"{asked}{text}\n\n### Retrieved passages\n\n{passages}")
    with scores_box:
        show(scores_figure(scores, index, k), "rag_scores")
    with words_box:
        show(contributions_figure(words, C, ranked, k), "rag_words")
    known = sum(w in index.vocabulary for w in words)
    prints = {"hits": str(len(hits))}
    for h in hits:
        prints[f"hit {h.rank}"] = f"{h.slug} / {h.section}"
        prints[f"score {h.rank}"] = f"{h.score:.4f}"
    with snippet_box:
        metric_row({"query words known": f"{known} of {len(words)}",
                    "best score": f"{hits[0].score:.3f}" if hits else "0"})
        reproduce("rag", SNIPPET.format(query=query, k=k), prints, needs="numpy scikit-learn")
    checks = []
    if target is not None:
        order = np.argsort(-scores, kind="stable")
        rank = next(r for r, i in enumerate(order, start=1) if index.passages[i].slug == target)
        best = scores[order[rank - 1]]
        place = f"rank {rank} of {len(scores)} (score {best:.3f})" if best > 0 else "score 0 (no shared word)"
        checks.append(Claim(
            "Retrieval fetches the relevant passage for a query: the page that answers the question is among "
            "the top k hits.",
            f"best passage of *{TITLES.get(target, target)}*: {place}; k = {k}", best > 0 and rank <= k))
    if hits:
        top = by_rank[1]
        shared = [(w, c) for w, c in zip(words, C[:, 0]) if c > 0]
        terms = " + ".join(f"{c:.3f} ({w})" for w, c in shared)
        checks.append(Identity(
            "A passage's score counts only the words it shares with the query: cosine = Σ over shared words "
            "of q_t · d_t.",
            f"score of hit 1 = {top.score:.4f}", f"{terms} = {sum(c for _, c in shared):.4f}",
            "both TF-IDF vectors have length 1, so their cosine is their dot product, and a product of "
            "coordinates is zero wherever either vector has none."))
    return checks


def play():
    controls_col, answer_col = st.columns([1, 2], gap="large")
    controls_box, answer_box = controls_col.container(), answer_col.container()
    scores_col, words_col = st.columns([1.3, 1], gap="medium")
    scores_box, words_box = scores_col.container(), words_col.container()
    snippet_box = st.container()
    query_part(controls_box, answer_box, scores_box, words_box, snippet_box)


topic_page("rag", play)
