"""Several replicas behind nginx: does every session stay on one replica, and what does a class get from them?

Starts --replicas `streamlit run app.py` servers sharing one cookie secret and Debian's nginx on loopback with
the shipped deploy/nginx.conf (tests.e2e.harness.Balancer), then drives --sessions protocol clients
(bench/protocol_client.py, as bench/load.py does) through nginx for --seconds. Each client loads the page over
HTTP first, keeps its cookies, opens pages, moves sliders and makes an HTTP request after each page, and
records which replica answered each request (nginx's X-Playground-Replica header). The same crowd then runs
against one replica alone, in the same run, as the baseline.

Reports failed sessions, sessions per replica, sessions that reached more than one replica (must be 0) and
throughput (slider moves per second) and latency through the balancer against one replica alone. Exits 1 on a
failed session, an exception or a session that moved. Loopback only; bounded in sessions and time.

    python bench/scale.py [--replicas 2] [--sessions 24] [--seconds 40] [--think 0.5]
"""
from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
from collections import Counter
from contextlib import ExitStack

from _common import ROOT, save, table
from load import protocol_classroom

from tests.e2e.harness import Balancer, Server


def summary(stats: dict, seconds: float) -> dict:
    latencies = sorted(stats["latencies"])
    return {"slider_moves": len(latencies), "moves_per_s": round(len(latencies) / seconds, 2),
            "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "latency_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
            "failed_sessions": len(stats["failed"]), "failures": stats["failed"][:5], "exceptions": stats["exceptions"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--moves-per-page", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between a session's slider moves")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the sessions join")
    args = parser.parse_args()
    if not (2 <= args.replicas <= 4 and 1 <= args.sessions <= 60 and 5 <= args.seconds <= 300
            and 0 <= args.ramp < args.seconds and 0 <= args.think <= 30):
        parser.error("--replicas 2–4, --sessions 1–60, --seconds 5–300, 0 ≤ --ramp < --seconds, --think 0–30")

    shared_secret = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16)}  # Streamlit refuses it as a flag
    crowd = (args.sessions, args.seconds, args.moves_per_page, args.ramp, args.think)
    with ExitStack() as stack:
        replicas = [stack.enter_context(Server(env=shared_secret)) for _ in range(args.replicas)]
        balancer = stack.enter_context(Balancer([r.url for r in replicas]))
        for replica in replicas:  # warm every replica's caches, straight, so neither run pays for first visits
            asyncio.run(protocol_classroom(replica.url, 1, 20.0, 1, 0))
        balanced = asyncio.run(protocol_classroom(balancer.url, *crowd))
        alone = asyncio.run(protocol_classroom(replicas[0].url, *crowd))

    sets = balanced["replica_sets"]
    moved = sum(len(s) > 1 for s in sets)
    unseen = sum(len(s) == 0 for s in sets)
    per_replica = Counter(next(iter(s)) for s in sets if len(s) == 1)
    through, single = summary(balanced, args.seconds), summary(alone, args.seconds)
    speedup = through["moves_per_s"] / single["moves_per_s"] if single["moves_per_s"] else float("nan")
    print(table(["measure", f"{args.replicas} replicas via nginx", "1 replica alone"], [
        ["sessions / seconds / think", f"{args.sessions} / {args.seconds:.0f} / {args.think:g} s", "same"],
        ["failed sessions", through["failed_sessions"], single["failed_sessions"]],
        ["exceptions on pages", through["exceptions"], single["exceptions"]],
        ["sessions on more than one replica", moved, "—"],
        ["sessions per replica", ", ".join(f"{k}: {v}" for k, v in sorted(per_replica.items())), "—"],
        ["slider moves / per second", f"{through['slider_moves']} / {through['moves_per_s']}",
         f"{single['slider_moves']} / {single['moves_per_s']}"],
        ["latency p50 / p95", f"{through['latency_p50_ms']} / {through['latency_p95_ms']} ms",
         f"{single['latency_p50_ms']} / {single['latency_p95_ms']} ms"],
        ["throughput vs one replica", f"{speedup:.2f}×", "1.00×"],
    ]))
    for failure in through["failures"] + single["failures"]:
        print("  failed:", failure)
    path = save("scale", {"replicas": args.replicas, "sessions": args.sessions, "seconds": args.seconds,
                          "think_s": args.think, "balanced": through, "one_replica": single,
                          "sessions_on_more_than_one_replica": moved, "sessions_without_replica_header": unseen,
                          "sessions_per_replica": dict(per_replica), "throughput_ratio": round(speedup, 2)})
    print(f"\nwrote {path.relative_to(ROOT)}")
    ok = not (through["failed_sessions"] or through["exceptions"] or moved or unseen)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
