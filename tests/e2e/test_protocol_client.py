"""bench/load.py's websocket client against the real server: it must see the pages as a browser does."""
import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.harness import ROOT
from ui.catalog import TOPICS

sys.path.insert(0, str(ROOT / "bench"))
from protocol_client import ProtocolSession  # noqa: E402


def visit_and_move(url, slug):
    """Run the client on a thread of its own: Playwright's sync API keeps an event loop on this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _visit_and_move(url, slug)).result()


async def _visit_and_move(url, slug):
    client = ProtocolSession(url)
    await client.connect()
    try:
        await client.open_page(slug)
        sliders = list(client.sliders)
        moves = [await client.move(slider, +1) for slider in sliders[:3]]
        return sliders, moves, client.exceptions
    finally:
        await client.close()


# Pages whose every slider is a select slider (it sends an index): the client opens them but has nothing to move.
SELECT_SLIDERS_ONLY = {"attention", "sift"}


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_protocol_client_opens_every_page_and_moves_its_sliders(server, topic):
    sliders, moves, exceptions = visit_and_move(server.url, topic.slug)
    assert exceptions == 0
    if topic.slug in SELECT_SLIDERS_ONLY:
        assert not sliders, f"{topic.slug} now has a numeric slider: take it out of SELECT_SLIDERS_ONLY"
        return
    assert sliders, "the client found no numeric slider on this page"
    assert all(slider.fragment_id for slider in sliders), "every slider lives in a fragment"
    assert len(moves) == min(3, len(sliders)) and all(ms > 0 for ms in moves)
    assert exceptions == 0


def test_a_pages_main_control_has_a_fragment_of_its_own(server):
    sliders, _, _ = visit_and_move(server.url, "kmeans")
    by_key = {slider.id.rsplit("-", 1)[-1]: slider.fragment_id for slider in sliders}
    assert by_key["km_step"] != by_key["km_k"], "the step slider should rerun only its own part"
