"""The statistics of the impact report, in plain Python (math and statistics only).

The report compares each trainee's baseline (week 1) with his endline (week 12): the mean paired
change, its 95 % confidence interval (Student's t) and the share of trainees who improved.
Aggregates about fewer than MIN_GROUP people are never shown, so nobody can be singled out.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, stdev
from typing import TypeVar

MIN_GROUP = 5  # the smallest group whose aggregates may be shown

# t(0.975, df) for df = 1 … 30: the usual table, to 4 decimals.
_T_975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)

T = TypeVar("T")


def t_quantile_975(df: int) -> float:
    """The 97.5th percentile of Student's t with ``df`` degrees of freedom (≥ 1), to 4 decimals.

    It is the multiplier of a two-sided 95 % confidence interval. Degrees of freedom 1–30 come
    from the table; beyond 30 the Cornish–Fisher expansion around the normal quantile is used,
    whose error there is below 1e-6.
    """
    if not isinstance(df, int) or isinstance(df, bool) or df < 1:
        raise ValueError(f"degrees of freedom must be a whole number ≥ 1 (got {df!r})")
    if df <= len(_T_975):
        return _T_975[df - 1]
    return _cornish_fisher_t(0.975, df)


def _cornish_fisher_t(p: float, df: int) -> float:
    """Student's t quantile from the normal one (Abramowitz & Stegun 26.7.5); good for large df."""
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class PairedChange:
    """Baseline against endline for the same people.

    ``mean_diff`` is the mean of (post − pre); ``ci_low``/``ci_high`` its 95 % confidence interval;
    ``share_improved`` the share (0–1) of people whose post score is higher than their pre score.
    """

    n: int
    mean_pre: float | None
    mean_post: float | None
    mean_diff: float | None
    sd_diff: float | None
    ci_low: float | None
    ci_high: float | None
    share_improved: float | None


def paired_change(pre: Sequence[float | None], post: Sequence[float | None]) -> PairedChange:
    """The paired change between two equally long lists, where position i is the same person.

    Pairs with a missing (None) score on either side are left out, and ``n`` counts the complete
    pairs. With fewer than 2 complete pairs every statistic is None: one person's score is not a
    group result, and no spread or interval can be computed from it.
    """
    if len(pre) != len(post):
        raise ValueError(f"pre and post must pair the same people ({len(pre)} ≠ {len(post)} scores)")
    pairs = [(a, b) for a, b in zip(pre, post) if a is not None and b is not None]
    n = len(pairs)
    if n < 2:
        return PairedChange(n=n, mean_pre=None, mean_post=None, mean_diff=None, sd_diff=None,
                            ci_low=None, ci_high=None, share_improved=None)
    diffs = [b - a for a, b in pairs]
    mean_diff = fmean(diffs)
    sd_diff = stdev(diffs)
    half_width = t_quantile_975(n - 1) * sd_diff / math.sqrt(n)
    return PairedChange(
        n=n,
        mean_pre=fmean(a for a, _ in pairs),
        mean_post=fmean(b for _, b in pairs),
        mean_diff=mean_diff,
        sd_diff=sd_diff,
        ci_low=mean_diff - half_width,
        ci_high=mean_diff + half_width,
        share_improved=sum(1 for a, b in pairs if _improved(a, b)) / n,
    )


def _improved(pre: float, post: float) -> bool:
    # Scores are means of answers: the same score reached by different arithmetic is no change.
    return post > pre and not math.isclose(post, pre, rel_tol=0.0, abs_tol=1e-9)


def is_reportable(n: int) -> bool:
    """Whether an aggregate about ``n`` people may be shown (n ≥ MIN_GROUP)."""
    return n >= MIN_GROUP


def hide_if_small(n: int, aggregate: T) -> T | None:
    """The aggregate when it describes at least MIN_GROUP people, otherwise None (hidden).

    Use it for every number shown about a group — means, shares, a PairedChange, counts of
    answers — so that no group of fewer than MIN_GROUP people is ever described.
    """
    return aggregate if is_reportable(n) else None
