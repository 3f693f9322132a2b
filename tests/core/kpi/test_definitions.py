import pytest

from relais.core.kpi import (
    KpiConfig,
    abandonment_rate,
    adherence,
    average_handling_time,
    average_speed_of_answer,
    csat_top_two_box,
    first_contact_resolution,
    net_promoter_score,
    occupancy,
    ratio,
    service_level,
    shrinkage,
    transfer_rate,
)


def test_every_ratio_with_a_zero_denominator_is_none():
    assert ratio(0, 0) is None
    assert service_level(0, 0, 0) is None
    assert average_speed_of_answer(0.0, 0) is None
    assert average_handling_time(0.0, 0.0, 0.0, 0) is None
    assert abandonment_rate(0, 0) is None
    assert occupancy(0.0, 0.0) is None
    assert transfer_rate(0, 0) is None
    assert first_contact_resolution(0, 0) is None
    assert csat_top_two_box(0, 0) is None
    assert net_promoter_score(0, 0, 0) is None
    assert shrinkage(0.0, 0.0) is None
    assert adherence(0.0, 0.0) is None


def test_formulas_on_hand_computed_numbers():
    # 16 within 20 s out of 18 answered and 2 abandoned after 20 s: 16 / 20
    assert service_level(16, 18, 2) == 0.8
    assert average_speed_of_answer(180.0, 18) == 10.0
    # (talk 3000 + hold 600 + wrap-up 1200) / 16 handled
    assert average_handling_time(3000.0, 600.0, 1200.0, 16) == 300.0
    assert abandonment_rate(2, 18) == 0.1
    assert occupancy(2700.0, 900.0) == 0.75
    assert transfer_rate(3, 12) == 0.25
    assert first_contact_resolution(7, 10) == 0.7
    assert csat_top_two_box(3, 4) == 0.75
    # 5 promoters, 2 detractors out of 10: 100 x 3 / 10
    assert net_promoter_score(5, 2, 10) == pytest.approx(30.0)
    # paid 8 h, productive 6 h: 25 % shrinkage
    assert shrinkage(28_800.0, 21_600.0) == 0.25
    assert adherence(28_800.0, 25_920.0) == 0.9


def test_adherence_and_shrinkage_refuse_impossible_durations():
    with pytest.raises(ValueError, match="between 0 and the scheduled"):
        adherence(100.0, 120.0)
    with pytest.raises(ValueError, match="between 0 and the scheduled"):
        adherence(100.0, -1.0)
    with pytest.raises(ValueError, match="non-negative"):
        shrinkage(-1.0, 0.0)


def test_config_threshold_per_queue_and_validation():
    config = KpiConfig(service_level_seconds=20.0, service_level_seconds_by_queue={"vip": 10.0})
    assert config.service_level_threshold("vip") == 10.0
    assert config.service_level_threshold("billing") == 20.0
    with pytest.raises(ValueError, match="negative"):
        KpiConfig(short_abandon_seconds=-1.0)
    with pytest.raises(ValueError, match="positive"):
        KpiConfig(fcr_window_seconds=0.0)
