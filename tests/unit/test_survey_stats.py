"""The impact report's statistics: the t quantile, the paired change with its 95 % CI, small-group hiding."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.reports.stats import MIN_GROUP, PairedChange, hide_if_small, is_reportable, paired_change, t_quantile_975

# --------------------------------------------------------------------- t quantile


@pytest.mark.parametrize("df,expected", [
    (1, 12.706), (2, 4.303), (4, 2.776), (10, 2.228), (29, 2.045), (30, 2.042),  # from the table
    (31, 2.040), (40, 2.021), (60, 2.000), (120, 1.980), (1000, 1.962),  # Cornish–Fisher
])
def test_t_quantile_matches_published_values_to_3_decimals(df, expected):
    assert round(t_quantile_975(df), 3) == expected


def test_t_quantile_falls_steadily_towards_the_normal_value():
    values = [t_quantile_975(df) for df in range(1, 500)]
    assert all(a > b for a, b in zip(values, values[1:]))
    assert t_quantile_975(10**6) == pytest.approx(1.959964, abs=1e-5)


@pytest.mark.parametrize("df", [0, -3, 2.5, True, None])
def test_t_quantile_needs_a_whole_number_of_degrees_of_freedom(df):
    with pytest.raises(ValueError):
        t_quantile_975(df)


# --------------------------------------------------------------------- paired change


def test_paired_change_matches_the_hand_computation():
    pre = [2.0, 1.5, 2.5, 1.0, 2.0]
    post = [2.5, 2.5, 2.5, 2.0, 1.5]
    # differences (post − pre): 0.5, 1.0, 0.0, 1.0, −0.5 → mean = 2.0 / 5 = 0.4
    # deviations from 0.4: 0.1, 0.6, −0.4, 0.6, −0.9; squares: 0.01 + 0.36 + 0.16 + 0.36 + 0.81 = 1.70
    # sd = √(1.70 / 4) = √0.425 = 0.65192; standard error = √(0.425 / 5) = √0.085 = 0.29155
    # t(0.975, 4) = 2.7764 → half width = 2.7764 × 0.29155 = 0.80945
    # 95 % CI = 0.4 ± 0.80945 = [−0.40945, 1.20945]
    # means: pre = 9.0 / 5 = 1.8, post = 11.0 / 5 = 2.2; improved: 3 of 5 (0.5, 1.0, 1.0) = 0.6
    change = paired_change(pre, post)
    assert change.n == 5
    assert change.mean_pre == pytest.approx(1.8)
    assert change.mean_post == pytest.approx(2.2)
    assert change.mean_diff == pytest.approx(0.4)
    assert change.sd_diff == pytest.approx(0.65192, abs=1e-5)
    assert change.ci_low == pytest.approx(-0.40945, abs=1e-5)
    assert change.ci_high == pytest.approx(1.20945, abs=1e-5)
    assert change.share_improved == pytest.approx(0.6)


def test_a_change_without_spread_has_a_zero_width_interval():
    change = paired_change([1.0, 2.0, 3.0], [1.5, 2.5, 3.5])
    assert change.sd_diff == 0.0
    assert change.ci_low == change.ci_high == pytest.approx(0.5)
    assert change.share_improved == 1.0


def test_pairs_with_a_missing_score_are_left_out():
    change = paired_change([1.0, None, 2.0, 3.0], [2.0, 3.0, None, 3.0])
    # complete pairs: (1.0, 2.0) and (3.0, 3.0) → differences 1.0 and 0.0
    assert change.n == 2
    assert change.mean_diff == pytest.approx(0.5)
    assert change.share_improved == 0.5


@pytest.mark.parametrize("pre,post,n", [([], [], 0), ([2.0], [3.0], 1), ([2.0, None], [3.0, 2.5], 1)])
def test_fewer_than_two_pairs_give_no_statistics(pre, post, n):
    assert paired_change(pre, post) == PairedChange(n=n, mean_pre=None, mean_post=None, mean_diff=None,
                                                    sd_diff=None, ci_low=None, ci_high=None,
                                                    share_improved=None)


def test_pre_and_post_must_have_the_same_length():
    with pytest.raises(ValueError, match="same people"):
        paired_change([1.0, 2.0], [1.0])


def test_the_same_score_reached_by_different_arithmetic_is_not_an_improvement():
    change = paired_change([0.1 + 0.2, 2.0], [0.3, 2.0])
    assert change.share_improved == 0.0


scores = st.floats(min_value=1.0, max_value=3.0, allow_nan=False)


@given(st.lists(st.tuples(scores, scores), min_size=2, max_size=60))
def test_the_interval_surrounds_the_mean_change(pairs):
    pre, post = [a for a, _ in pairs], [b for _, b in pairs]
    change = paired_change(pre, post)
    assert change.n == len(pairs)
    assert change.mean_diff == pytest.approx(change.mean_post - change.mean_pre, abs=1e-9)
    assert change.ci_low <= change.mean_diff + 1e-12 and change.mean_diff <= change.ci_high + 1e-12
    assert change.ci_high - change.mean_diff == pytest.approx(change.mean_diff - change.ci_low, abs=1e-9)
    assert 0.0 <= change.share_improved <= 1.0
    assert math.isfinite(change.sd_diff)


# --------------------------------------------------------------------- small groups


def test_the_smallest_reported_group_is_five():
    assert MIN_GROUP == 5
    assert not is_reportable(4) and is_reportable(5)


@pytest.mark.parametrize("n", [0, 1, 4])
def test_aggregates_of_fewer_than_five_people_are_hidden(n):
    assert hide_if_small(n, 2.4) is None
    assert hide_if_small(n, paired_change([1.0] * n, [2.0] * n)) is None


@pytest.mark.parametrize("n", [5, 6, 40])
def test_aggregates_of_five_or_more_people_are_shown(n):
    change = paired_change([1.0] * n, [2.0] * n)
    assert hide_if_small(change.n, change) is change
    assert hide_if_small(n, 0.0) == 0.0
