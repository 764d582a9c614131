"""The exposition text is valid Prometheus and the histogram is cumulative."""

from __future__ import annotations

import pytest

from cti.broker.metrics import STAGES, BrokerMetrics


def test_histogram_buckets_are_cumulative() -> None:
    metrics = BrokerMetrics(lambda: 3)
    for value in (0.0004, 0.002, 0.002, 5.0):
        metrics.observe("socket_write", value)
    lines = metrics.render().splitlines()
    assert 'cti_stage_latency_seconds_bucket{stage="socket_write",le="0.0005"} 1' in lines
    assert 'cti_stage_latency_seconds_bucket{stage="socket_write",le="0.0025"} 3' in lines
    assert 'cti_stage_latency_seconds_bucket{stage="socket_write",le="2.5"} 3' in lines
    assert 'cti_stage_latency_seconds_bucket{stage="socket_write",le="+Inf"} 4' in lines
    assert 'cti_stage_latency_seconds_count{stage="socket_write"} 4' in lines
    assert "cti_connected_agents 3" in lines


def test_every_stage_is_exposed_even_before_samples() -> None:
    text = BrokerMetrics().render()
    for stage in STAGES:
        assert f'cti_stage_latency_seconds_count{{stage="{stage}"}} 0' in text


def test_unknown_stage_is_refused() -> None:
    with pytest.raises(ValueError, match="socket_write"):
        BrokerMetrics().observe("sokcet_write", 0.1)


def test_every_sample_line_has_help_and_type() -> None:
    text = BrokerMetrics().render()
    names = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")}
    helps = {line.split()[2] for line in text.splitlines() if line.startswith("# HELP")}
    assert names == helps
    for line in text.splitlines():
        if not line.startswith("#"):
            metric = line.split("{")[0].split()[0]
            assert any(metric.startswith(name) for name in names), line
