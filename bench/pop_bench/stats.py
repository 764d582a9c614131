"""Percentiles and the README table."""

from __future__ import annotations

import statistics
from typing import Any


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {"p50": statistics.median(ms), "p99": pct(ms, 0.99), "max": max(ms)}


def table(results: list[dict[str, Any]], floor: dict[str, Any]) -> str:
    rows = [
        "| agents | calls/s | pops recv/sent | with contact | p50 ms | p99 ms | max ms"
        " | p99 / floor p99 | in server p50 / p99 ms | PBX→server p99 | server→agent p99 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r["p99"] / floor["p99"] if floor["p99"] else float("nan")
        split = r["split_ms"]
        rows.append(
            f"| {r['agents']} | {r['rate']:g} | {r['received']}/{r['sent']} "
            f"| {r['with_contact']} | {r['p50']:.2f} "
            f"| {r['p99']:.2f} | {r['max']:.2f} | {ratio:.1f}x "
            f"| {split['in_server']['p50']:.2f} / {split['in_server']['p99']:.2f} "
            f"| {split['pbx_to_server']['p99']:.2f} | {split['server_to_agent']['p99']:.2f} |"
        )
    rows.append(
        f"| floor (TCP loopback, {floor['samples']} frames) | | | | {floor['p50']:.3f} "
        f"| {floor['p99']:.3f} | {floor['max']:.3f} | 1x | | | |"
    )
    return "\n".join(rows)
