"""Disclosure control for ministry dashboards: the cell key method, with small values and small
populations protected.

Suppressing small cells protects one table, but two overlapping tables (a period ending today and
one ending yesterday; a province and the same province narrowed by sex) differ by exactly the
people they do not share. The cell key method (Fraser and Wooton 2005; Thompson, Broadfoot and
Elazar 2013, used by the Australian Bureau of Statistics in TableBuilder and by the UK's 2021
census) makes every difference noise:

1. **Record keys.** Every row that is counted (a case, a referral, a follow-up visit) carries a
   fixed key from 0 to 255, drawn from its id by a keyed permutation (`record_key`): the same row
   always has the same key, and without the secret nobody can tell a row's key from its id.
2. **Cell keys.** A cell's key is the sum of its rows' keys, modulo 256. The same set of rows
   always gives the same cell key, whatever filters produced it, so asking again, or asking for
   the same cell through another filter combination, always shows the same value: repeating a
   query averages nothing away.
3. **Perturbation.** A non-zero count n is shown as max(0, n + d), where d, from -2 to +2, is
   looked up from the cell key (`NOISE`, mean 0, variance 1.1). Totals are cells in their own
   right (the rows under them, their own key) and are perturbed on their own, so a total need not
   equal the sum of its parts and never pins down a hidden part. The difference between two
   overlapping tables is then the true difference plus the difference of two independent noises:
   "40 and 39" may be a difference of none, one or three people.
4. **Small values.** A shown value from 1 to 4 is shown as "<5". A count of 1 or 2 may also be
   shown as 0, so a 0 beside a small cell never proves that nobody has that value (group
   disclosure).
5. **Small populations.** A view whose perturbed number of cases is under `MIN_POPULATION` shows
   nothing but "too few cases to show": a small province, or a filter narrowed down to a few
   people, answers no question at all.
6. **Coarse periods.** Periods are whole months, and a ministry's figures stop at the end of the
   last complete month, so no view isolates the cases of one day.
7. **Medians** are shown only over at least `MEDIAN_MIN_COUNT` answered referrals, in whole days,
   moved by the same kind of noise keyed on the answered referrals.

What it guarantees: a shown value is within 2 of the truth (before "<5"), the same cell is always
the same value, and no two views that the filters allow differ by a number that is the count of
one identifiable person. What it does not: many different overlapping queries can still be
averaged in principle; the small noise, the small-population rule and whole months make each
such difference worth little, and every export is in the access log.

Supervisors see their own organisation's cases anyway: their dashboard shows exact counts.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, IntegerField, Sum, Value
from django.db.models.functions import Coalesce, Mod

KEY_RANGE = 256
# A prime above KEY_RANGE: ids go through x -> (a*x + b) mod P, a permutation of 0..P-1, before
# being folded into 0..255.
PRIME = 65521
# The noise by cell key: 24 keys give -2, 48 give -1, 112 give 0, 48 give +1, 24 give +2.
NOISE = [-2] * 24 + [-1] * 48 + [0] * 112 + [1] * 48 + [2] * 24
SMALL = 5  # shown values from 1 to SMALL - 1 read "<5"
MIN_POPULATION = 20
MEDIAN_MIN_COUNT = 10
# The median's noise is keyed on the answered referrals with an offset, so it does not move
# in step with the count's.
MEDIAN_KEY_OFFSET = 101

assert len(NOISE) == KEY_RANGE  # noqa: S101


def _secret_ints() -> tuple[int, int]:
    secret = getattr(settings, "DASHBOARD_CELL_KEY_SECRET", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"homecoming-cell-key:{secret}".encode()).digest()
    a = 1 + int.from_bytes(digest[:8], "big") % (PRIME - 1)
    b = int.from_bytes(digest[8:16], "big") % PRIME
    return a, b


def record_key(field: str = "id"):
    """The SQL expression of a row's key (0-255), from its own id, or from the id of the record
    it stands for (a case's form of exploitation counts the case: `case_id`)."""
    a, b = _secret_ints()
    permuted = Mod(F(field) * Value(a) + Value(b), Value(PRIME))
    return Mod(permuted, Value(KEY_RANGE), output_field=IntegerField())


def key_sum(field: str = "id", **extra):
    """SUM of the record keys of the rows counted (0 for none), for `.annotate`/`.aggregate`."""
    return Coalesce(Sum(record_key(field), **extra), Value(0), output_field=IntegerField())


class Tally(int):
    """A count that carries the sum of its rows' keys. It is an int, so code and tests that
    read counts see plain numbers; `tally_add` keeps the key when counts are added up."""

    key: int

    def __new__(cls, count: int, key: int = 0):
        tally = super().__new__(cls, count)
        tally.key = int(key) % KEY_RANGE
        return tally

    def __getnewargs__(self):
        return (int(self), self.key)

    def __repr__(self) -> str:
        return f"Tally({int(self)}, key={self.key})"


def key_of(count) -> int:
    return getattr(count, "key", 0)


def tally_add(*counts) -> Tally:
    return Tally(sum(int(c) for c in counts), sum(key_of(c) for c in counts))


def perturb(count) -> int:
    """The value shown for a count: 0 stays 0, anything else moves by its cell key's noise."""
    n = int(count)
    if n == 0:
        return 0
    return max(0, n + NOISE[key_of(count)])


def shown_or_hidden(count) -> int | None:
    """The perturbed value, or None where it is a small value shown as "<5"."""
    value = perturb(count)
    return None if 0 < value < SMALL else value


def perturb_median(median: float, answered) -> int | None:
    """A median of days in whole days, moved by noise; None below MEDIAN_MIN_COUNT answers."""
    if perturb(answered) < MEDIAN_MIN_COUNT:
        return None
    noise = NOISE[(key_of(answered) + MEDIAN_KEY_OFFSET) % KEY_RANGE]
    return max(0, round(median) + noise)


# Incomes move by up to 2 steps of 2% and are shown to the nearest 10,000 riel.
INCOME_STEP = 0.02
INCOME_ROUNDING = -4


def perturb_income(median: float, recorded) -> int | None:
    """A median income moved by noise keyed on the visits that recorded an income; None below
    MEDIAN_MIN_COUNT of them."""
    if perturb(recorded) < MEDIAN_MIN_COUNT:
        return None
    noise = NOISE[(key_of(recorded) + MEDIAN_KEY_OFFSET) % KEY_RANGE]
    return max(0, round(median * (1 + INCOME_STEP * noise), INCOME_ROUNDING))


@dataclass(frozen=True)
class Protection:
    """How a dashboard's numbers are shown: perturbed (ministry scopes) or exact (a supervisor's
    own organisation)."""

    perturbed: bool

    def too_few(self, population) -> bool:
        minimum = getattr(settings, "DASHBOARD_MIN_POPULATION", MIN_POPULATION)
        return self.perturbed and perturb(population) < minimum


PERTURBED, EXACT = Protection(perturbed=True), Protection(perturbed=False)
