"""The project's layering rules and the catalog's completeness."""
import ast
import json

import pytest

from ui.catalog import MENUS, ROOT, SECTIONS, TOPICS, by_menu, search
from ui.nav import nav_payload
from ui.notes import load_notes, parse_notes

FORBIDDEN_IN_ENGINE = {"streamlit", "plotly"}


@pytest.mark.parametrize("path", sorted((ROOT / "engine").glob("*.py")), ids=lambda p: p.name)
def test_engine_is_pure(path):
    tree = ast.parse(path.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & FORBIDDEN_IN_ENGINE


def test_torch_is_imported_lazily_in_the_engine():
    for path in (ROOT / "engine").glob("*.py"):
        top_level = ast.parse(path.read_text()).body
        names = {a.name for n in top_level if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
        modules = {n.module for n in top_level if isinstance(n, ast.ImportFrom)}
        assert "torch" not in names and "torch" not in modules, path.name


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_topic_has_a_page_and_complete_notes(topic):
    assert (ROOT / topic.page_path).exists()
    notes = load_notes(topic.slug)
    assert 2 <= len(notes.notice) <= 4
    assert notes.formulas and len(notes.questions) >= 2
    assert all(q.question.endswith("?") for q in notes.questions)
    assert topic.section in SECTIONS


def test_every_section_sits_in_exactly_one_menu_and_the_menus_keep_teaching_order():
    grouped = [section for sections in MENUS.values() for section in sections]
    assert sorted(grouped) == sorted(SECTIONS) and len(grouped) == len(set(grouped))
    assert [t.slug for topics in by_menu().values() for t in topics] == [t.slug for t in TOPICS]


def test_the_navigation_bar_lists_every_topic_once_under_its_menu_and_section():
    bar = json.loads(nav_payload("svm", [("", "Home")]))
    assert bar["current"] == "svm" and bar["pages"] == [["", "Home"]]
    assert [menu for menu, _ in bar["menus"]] == list(MENUS)
    listed = [(section, slug) for _, sections in bar["menus"] for section, topics in sections for slug, _ in topics]
    assert listed == [(t.section, t.slug) for t in TOPICS]


def test_slugs_are_unique():
    assert len({t.slug for t in TOPICS}) == len(TOPICS)


def test_notes_parser_names_a_missing_section():
    with pytest.raises(ValueError, match="Common mistake"):
        parse_notes("## Intuition\nx\n## What to notice\n- a\n## Key formula\nx\n## Interview questions\n### q?\na\n")


def test_notes_questions_carry_their_answer_and_the_state_that_shows_it():
    notes = parse_notes("## Intuition\nx\n## What to notice\n- a\n## Key formula\nx\n## Interview questions\n"
                        "### Why?\nBecause.\nState: roc_prev=0.01&roc_sep=2\n### And?\nSo.\n## Common mistake\nm\n")
    assert [q.question for q in notes.questions] == ["Why?", "And?"]
    assert notes.questions[0].answer == "Because." and notes.questions[0].state == {"roc_prev": "0.01", "roc_sep": "2"}
    assert notes.questions[1].state == {}
    with pytest.raises(ValueError, match="no answer"):
        parse_notes("## Intuition\nx\n## What to notice\n- a\n## Key formula\nx\n## Interview questions\n"
                    "### Why?\n## Common mistake\nm\n")


def test_search_matches_every_word_in_title_or_summary():
    assert [t.slug for t in search("margin")] == ["svm"]
    assert {t.slug for t in search("clusters")} >= {"kmeans", "gmm_em"}
    assert search("no such topic") == []
