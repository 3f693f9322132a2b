"""Staffing search: pyworkforce's published cases, combined targets, batches, errors."""

import numpy as np
import pytest

from relais.core.queueing import (
    DEFAULT_MAX_ABANDONMENT,
    StaffingError,
    StaffingTargets,
    erlang_a,
    erlang_c,
    required_agents,
    scheduled_agents,
    staff_intervals,
)


def test_reference_occupancy_cap_85_percent():
    # given 100 calls per 30 min, AHT 180 s, 80 % in 20 s, occupancy at most 85 %
    targets = StaffingTargets(service_level=0.8, threshold_s=20, max_occupancy=0.85)
    # when staffing with 30 % shrinkage
    staffing = required_agents(volume=100, aht_s=180, targets=targets, shrinkage=0.3)
    # then 14 agents on the phones, 20 scheduled
    assert (staffing.agents, staffing.scheduled_agents) == (14, 20)


def test_reference_occupancy_cap_70_percent():
    targets = StaffingTargets(service_level=0.8, threshold_s=20, max_occupancy=0.7)
    staffing = required_agents(volume=100, aht_s=180, targets=targets, shrinkage=0.3)
    assert (staffing.agents, staffing.scheduled_agents) == (15, 22)
    assert round(staffing.service_level, 3) == 0.941
    assert round(staffing.wait_probability, 3) == 0.102


def test_each_target_alone_and_combined_gives_the_largest():
    def agents(**targets):
        return required_agents(volume=100, aht_s=180, targets=StaffingTargets(**targets)).agents

    by_service_level = agents(service_level=0.9, threshold_s=20)
    by_asa = agents(max_asa_s=5.0)
    by_occupancy = agents(max_occupancy=0.6)
    combined = agents(service_level=0.9, threshold_s=20, max_asa_s=5.0, max_occupancy=0.6)
    assert combined == max(by_service_level, by_asa, by_occupancy)
    assert by_occupancy == 17  # ceil(10 / 0.6)
    assert (
        erlang_c(by_asa, 10.0, aht_s=180).asa_s <= 5.0 < erlang_c(by_asa - 1, 10.0, aht_s=180).asa_s
    )


def test_erlang_a_caps_abandonment_by_default():
    # given impatient contacts (mean patience 30 s) and only a modest service-level target
    targets = StaffingTargets(service_level=0.5, threshold_s=20)
    staffing = required_agents(volume=300, aht_s=240, targets=targets, patience_s=30)
    # then the default cap on abandonment holds, and it is what decides
    assert staffing.abandonment_probability <= DEFAULT_MAX_ABANDONMENT
    fewer = erlang_a(staffing.agents - 1, 40.0, aht_s=240, patience_s=30, threshold_s=20)
    assert fewer.abandonment_probability > DEFAULT_MAX_ABANDONMENT


def test_erlang_a_explicit_cap_overrides_default():
    loose = StaffingTargets(service_level=0.5, threshold_s=20, max_abandonment=0.2)
    strict = StaffingTargets(service_level=0.5, threshold_s=20, max_abandonment=0.01)

    def staff(targets):
        return required_agents(volume=300, aht_s=240, targets=targets, patience_s=30)

    assert staff(loose).agents < staff(strict).agents
    assert staff(strict).abandonment_probability <= 0.01


def test_erlang_a_asa_target_uses_answered_contacts():
    targets = StaffingTargets(max_asa_s=3.0, max_abandonment=1.0)
    staffing = required_agents(volume=100, aht_s=180, targets=targets, patience_s=300)
    assert staffing.asa_s <= 3.0
    fewer = erlang_a(staffing.agents - 1, 10.0, aht_s=180, patience_s=300)
    assert fewer.asa_s > 3.0


def test_batch_matches_one_interval_at_a_time():
    # given a day of intervals with mixed volumes and handling times
    volumes = np.array([0, 3, 10, 55, 100, 400, 1200, 2000])
    aht = np.array([180, 600, 240, 300, 180, 420, 300, 600])
    targets = StaffingTargets(service_level=0.8, threshold_s=20, max_occupancy=0.9)
    # when staffing them in one batch
    batch = staff_intervals(volumes=volumes, aht_s=aht, targets=targets, shrinkage=0.25)
    # then each interval gets what it would get alone
    for i, (volume, handling) in enumerate(zip(volumes, aht, strict=True)):
        alone = required_agents(volume=volume, aht_s=handling, targets=targets, shrinkage=0.25)
        assert batch.agents[i] == alone.agents
        assert batch.scheduled_agents[i] == alone.scheduled_agents
    assert batch.agents[0] == 0
    assert batch.service_level[0] == 1.0


def test_batch_result_is_minimal_for_erlang_c_and_a():
    volumes = np.linspace(10, 2000, 96)
    aht = np.linspace(180, 600, 96)[::-1]
    targets = StaffingTargets(service_level=0.8, threshold_s=20)
    staffed_c = staff_intervals(volumes=volumes, aht_s=aht, targets=targets)
    staffed_a = staff_intervals(volumes=volumes, aht_s=aht, targets=targets, patience_s=120)
    for i in range(0, 96, 7):
        load = volumes[i] * aht[i] / 1800
        c, a = int(staffed_c.agents[i]), int(staffed_a.agents[i])
        assert erlang_c(c, load, aht_s=aht[i]).service_level >= 0.8
        assert erlang_c(c - 1, load, aht_s=aht[i]).service_level < 0.8
        meets = erlang_a(a, load, aht_s=aht[i], patience_s=120)
        below = erlang_a(a - 1, load, aht_s=aht[i], patience_s=120)
        assert meets.service_level >= 0.8
        assert meets.abandonment_probability <= DEFAULT_MAX_ABANDONMENT
        assert below.service_level < 0.8 or below.abandonment_probability > DEFAULT_MAX_ABANDONMENT


def test_min_agents_is_a_floor():
    targets = StaffingTargets(service_level=0.8, threshold_s=20)
    staffing = required_agents(volume=2, aht_s=180, targets=targets, min_agents=3)
    assert staffing.agents == 3
    assert required_agents(volume=0, aht_s=180, targets=targets, min_agents=3).agents == 0


@pytest.mark.parametrize(
    ("agents", "shrinkage", "scheduled"), [(14, 0.3, 20), (21, 0.3, 30), (15, 0.3, 22), (7, 0.0, 7)]
)
def test_shrinkage_rounds_up_without_float_artefacts(agents, shrinkage, scheduled):
    assert scheduled_agents(agents, shrinkage) == scheduled


def test_unreachable_target_raises():
    targets = StaffingTargets(max_asa_s=0.0)
    with pytest.raises(StaffingError, match="targets not met"):
        required_agents(volume=100, aht_s=180, targets=targets, max_agents=200)


@pytest.mark.parametrize(
    "targets",
    [
        {},
        {"service_level": 1.5},
        {"max_occupancy": 0.0},
        {"max_abandonment": -0.1},
        {"service_level": 0.8, "threshold_s": -1},
    ],
)
def test_bad_targets_are_rejected(targets):
    with pytest.raises(ValueError, match=r"must be|at least one"):
        StaffingTargets(**targets)


def test_bad_traffic_is_rejected():
    targets = StaffingTargets(service_level=0.8)
    with pytest.raises(ValueError, match="volumes"):
        staff_intervals(volumes=[10, -1], aht_s=180, targets=targets)
    with pytest.raises(ValueError, match="aht_s"):
        staff_intervals(volumes=[10], aht_s=0, targets=targets)
    with pytest.raises(ValueError, match="shrinkage"):
        staff_intervals(volumes=[10], aht_s=180, targets=targets, shrinkage=1.0)
