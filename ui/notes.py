"""The text of each topic page, read from ``assets/notes/<slug>.md``.

A notes file is a few ``## Heading`` sections: Intuition, What to notice (a bullet list),
Key formula (LaTeX, one formula per line), Interview questions, Common mistake.

Under ``## Interview questions`` each question is a ``### `` heading followed by its answer. An answer may
end with a line ``State: key=value&key=value``: the page's URL parameters in which the live page shows the
answer (the page links to it, and so does the interview drill).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from ui.catalog import by_slug

REQUIRED = ("Intuition", "What to notice", "Key formula", "Interview questions", "Common mistake")


@dataclass(frozen=True)
class Question:
    question: str
    answer: str
    state: dict[str, str] = field(default_factory=dict)  # URL parameters of the page that show the answer

    @property
    def query(self) -> str:
        return urlencode(self.state)


@dataclass(frozen=True)
class Notes:
    intuition: str
    notice: tuple[str, ...]
    formulas: tuple[str, ...]
    questions: tuple[Question, ...]
    mistake: str


def parse_questions(text: str, source: str = "notes") -> tuple[Question, ...]:
    """The ``### question`` blocks of the Interview questions section, each with its answer and state."""
    blocks = [block for block in ("\n" + text).split("\n### ")[1:]]
    if not blocks:
        raise ValueError(f"{source}: Interview questions needs at least one '### question' heading")
    questions = []
    for block in blocks:
        question, _, body = block.partition("\n")
        lines = body.strip().splitlines()
        state = {}
        if lines and lines[-1].startswith("State:"):
            state = dict(parse_qsl(lines.pop()[len("State:"):].strip(), strict_parsing=True))
        answer = "\n".join(lines).strip()
        if not answer:
            raise ValueError(f"{source}: the question {question.strip()!r} has no answer")
        questions.append(Question(question.strip(), answer, state))
    return tuple(questions)


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
    return Notes(body["Intuition"], bullets, formulas, parse_questions(body["Interview questions"], source),
                 body["Common mistake"])


@lru_cache(maxsize=None)
def load_notes(slug: str) -> Notes:
    path = by_slug(slug).notes_path
    return parse_notes(path.read_text(encoding="utf-8"), source=str(path.name))
