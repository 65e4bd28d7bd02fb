"""Net Promoter Score: "how likely are you to recommend us?" on a 0-10 scale.

A score of 9 or 10 is a promoter's, 7 or 8 a passive's, 0 to 6 a detractor's.
NPS = percent of promoters - percent of detractors, from -100 to 100. Each
answer's contribution (100, 0 or -100) averages to the NPS of any group of
answers, so a pivot's average of it is the NPS of its cell.
"""

from decimal import ROUND_HALF_UP, Decimal

from .errors import InvalidAmount

MIN_SCORE, MAX_SCORE = 0, 10
GROUPS = ("promoter", "passive", "detractor")


def check_score(score):
    """The score as an int in 0..10, else InvalidAmount."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise InvalidAmount(
            "invalid_score", "A score is a whole number, got %(score)s.", score=score
        )
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise InvalidAmount(
            "invalid_score", "A score is from 0 to 10, got %(score)s.", score=score
        )
    return score


def group(score):
    """promoter, passive or detractor."""
    score = check_score(score)
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def contribution(score):
    """What one answer adds to the NPS average: 100, 0 or -100."""
    return {"promoter": 100, "passive": 0, "detractor": -100}[group(score)]


def nps(scores, places=1):
    """The NPS of ``scores`` as a Decimal rounded half up to ``places``; None
    for no answers."""
    scores = [check_score(s) for s in scores]
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    value = Decimal(100 * (promoters - detractors)) / Decimal(len(scores))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def is_due(last_asked, now, every_days):
    """Whether a member last asked at ``last_asked`` (a datetime or None) may be
    asked again at ``now``: at most once every ``every_days`` days (0: always)."""
    if not every_days or last_asked is None:
        return True
    return (now - last_asked).total_seconds() >= every_days * 86400
