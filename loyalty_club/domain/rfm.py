"""RFM scoring: quintile scores and the standard recency-frequency segment grid."""

from bisect import bisect_left, bisect_right

SEGMENTS = (
    "champions",
    "loyal",
    "potential",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
)


def quintile_scores(values):
    """Scores 1..5 by mid-rank quintile: higher value, higher score; ties equal.

    For recency pass negative days since the last purchase. A value whose
    mid-rank percentile is p gets 1 + floor(5 * p); so all-equal values get 3.
    """
    ordered = sorted(values)
    count = len(ordered)
    scores = []
    for value in values:
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value) - below
        scores.append(min(5, 1 + 5 * (2 * below + equal) // (2 * count)))
    return scores


# The widely used RF grid (rows: recency 1..5, columns: frequency 1..5).
_GRID = {
    1: ("lost", "hibernating", "at_risk", "at_risk", "cant_lose"),
    2: ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    3: ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    4: ("promising", "potential", "potential", "loyal", "loyal"),
    5: ("new", "potential", "potential", "champions", "champions"),
}


def segment(r, f, m):
    """Segment name for scores 1..5; ``m`` is validated but ignored (RF grid).

    R1-2: F1-2 hibernating (R1F1 lost), F3-4 at_risk, F5 cant_lose.
    R3: F1-2 about_to_sleep, F3 need_attention, F4-5 loyal.
    R4: F1 promising, F2-3 potential, F4-5 loyal.
    R5: F1 new, F2-3 potential, F4-5 champions.
    """
    for name, score in (("r", r), ("f", f), ("m", m)):
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise ValueError(f"{name} must be an int score from 1 to 5, got {score!r}")
    return _GRID[r][f - 1]
