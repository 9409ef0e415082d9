"""The interview drill: questions from every page's notes, a tally, sections, and links into live states."""
from tests.pages.conftest import exceptions, open_page
from ui.catalog import TOPICS, by_slug
from ui.notes import load_notes

DRILL = "topics/interview_drill.py"


def shown_question(at):
    card = next(m.value for m in at.markdown if "\n\n### " in m.value)
    return card.split("\n\n### ", 1)[1]


def test_the_drill_asks_a_question_from_the_notes_and_links_to_its_page():
    at = open_page(DRILL)
    assert not exceptions(at) and not at.error
    asked = shown_question(at)
    owners = [t for t in TOPICS if any(q.question == asked for q in load_notes(t.slug).questions)]
    assert owners, asked
    answer = next(q for q in load_notes(owners[0].slug).questions if q.question == asked)
    assert any(answer.answer[:60] in m.value for m in at.markdown)
    link = at.get("page_link")[0]
    assert link.proto.page.endswith(owners[0].slug) or owners[0].slug in link.proto.page


def test_marking_tallies_and_moves_on_without_repeating():
    at = open_page(DRILL)
    seen = [shown_question(at)]
    at.button(key="drill_known").click().run()
    seen.append(shown_question(at))
    at.button(key="drill_unknown").click().run()
    seen.append(shown_question(at))
    assert len(set(seen)) == 3
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Known"] == "1" and metrics["Not yet"] == "1" and metrics["Question"].startswith("3 of")


def test_a_section_filter_keeps_questions_in_that_section():
    at = open_page(DRILL, {"drill_sections": "Unsupervised"})
    assert not exceptions(at)
    for _ in range(4):
        asked = shown_question(at)
        section = next(t.section for t in TOPICS if any(q.question == asked for q in load_notes(t.slug).questions))
        assert section == "Unsupervised"
        at.button(key="drill_skip").click().run()
    total = sum(len(load_notes(t.slug).questions) for t in TOPICS if by_slug(t.slug).section == "Unsupervised")
    assert {m.label: m.value for m in at.metric}["Question"].endswith(f"of {total}")

