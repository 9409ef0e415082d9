"""The text of each topic page, read from ``assets/notes/<slug>.md``.

A notes file is a few ``## Heading`` sections: Intuition, What to notice (a bullet list),
Key formula (LaTeX, one formula per line), Interview question, Answer, Common mistake.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ui.catalog import by_slug

REQUIRED = ("Intuition", "What to notice", "Key formula", "Interview question", "Answer", "Common mistake")


@dataclass(frozen=True)
class Notes:
    intuition: str
    notice: tuple[str, ...]
    formulas: tuple[str, ...]
    question: str
    answer: str
    mistake: str


def parse_notes(text: str, source: str = "notes") -> Notes:
    """Split a notes file into its sections; raise ValueError naming a missing section."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    body = {name: "\n".join(lines).strip() for name, lines in sections.items()}
    missing = [name for name in REQUIRED if not body.get(name)]
    if missing:
        raise ValueError(f"{source}: missing section(s) {', '.join(missing)}")
    bullets = tuple(line[2:].strip() for line in body["What to notice"].splitlines() if line.startswith("- "))
    formulas = tuple(line.strip() for line in body["Key formula"].splitlines() if line.strip())
    return Notes(body["Intuition"], bullets, formulas, body["Interview question"], body["Answer"],
                 body["Common mistake"])


@lru_cache(maxsize=None)
def load_notes(slug: str) -> Notes:
    path = by_slug(slug).notes_path
    return parse_notes(path.read_text(encoding="utf-8"), source=str(path.name))
