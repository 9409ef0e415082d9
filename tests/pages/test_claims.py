"""The claim rule, on every catalog page: each check can fail and can hold, in states a user can reach by URL."""
import pytest

from tests.pages.conftest import exceptions, open_page
from tests.pages.states import load_states, shown_claims
from ui.catalog import TOPICS


def verdicts(at, phrase):
    return [claim.holds for claim in shown_claims(at) if phrase in claim.claim]


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_check_has_a_recorded_state_where_it_fails_and_one_where_it_holds(topic):
    recorded = load_states(topic.slug).get("claims", [])
    at = open_page(topic.page_path)
    shown = shown_claims(at)
    assert shown, "a topic page shows at least one claim check or worked identity"
    unrecorded = [c.claim for c in shown if c.holds is not None and not any(r["match"] in c.claim for r in recorded)]
    assert not unrecorded, f"checks with no recorded failing and holding state: {unrecorded}"
    for record in recorded:
        for expected, key in ((True, "holds"), (False, "fails")):
            at = open_page(topic.page_path, record[key])
            assert not exceptions(at), exceptions(at)
            found = verdicts(at, record["match"])
            assert found, f"{record['match']!r} is not shown at {record[key]}"
            assert all(v is expected for v in found), \
                f"{record['match']!r} should {'hold' if expected else 'fail'} at {record[key]}: {shown_claims(at)}"
