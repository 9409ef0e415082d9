"""Each page's recorded states (``tests/pages/states/<slug>.toml``) and the claims a page shows.

A states file holds, for every claim check the page can show, a phrase of its claim and one URL state where
it holds and one where it does not; and one URL state besides the defaults for the snippet test:

    [snippet]
    state = { roc_prev = "0.01" }

    [[claims]]
    match = "does not depend on prevalence"   # a phrase of the claim's text
    holds = { roc_sep = "1.5" }
    fails = { roc_sep = "3", roc_prev = "0.001" }
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from ui.catalog import ROOT

STATES = ROOT / "tests" / "pages" / "states"


@dataclass(frozen=True)
class ShownClaim:
    claim: str
    holds: bool | None  # None: a worked identity, which has no verdict


def load_states(slug: str) -> dict:
    path = STATES / f"{slug}.toml"
    if not path.exists():
        raise AssertionError(f"{path.relative_to(ROOT)} is missing: record each claim check's holding and failing "
                             "states and a second state for the snippet")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def shown_claims(at) -> list[ShownClaim]:
    """The checks and identities in the page's claim boxes, as a student reads them."""
    shown = []
    for markdown in at.markdown:
        if not markdown.value.startswith("### Claim check"):
            continue
        for block in markdown.value.split("\n\n---\n\n"):
            if (check := re.search(r"\*\*Claim:\*\* (.*?)  \n", block, re.S)):
                shown.append(ShownClaim(check.group(1), "**holds here**" in block))
            elif (identity := re.search(r"\*\*Identity:\*\* (.*?)  \n", block, re.S)):
                shown.append(ShownClaim(identity.group(1), None))
    return shown
