"""Summary tables of the dashboards (PostgreSQL): see dashboards/summary.py."""

from django.db import models
from django.db.models.functions import Now

from organisations.validation import ValidatedModel


class SummaryRow(ValidatedModel, models.Model):
    """Counted rows of one indicator that share every value a dashboard filters on (month of
    the indicator's own date, province, organisation, sex, minor at intake, forms of
    exploitation) and every value the indicator groups by (`g1`, `g2`, `g3`, `value`): how
    many (`n`) and the sum of their record keys (`k`, for the cell key method).

    `cuboid` says which filter values a row keeps (a bit each: province 1, organisation 2,
    sex 4, minor 8, forms 16; the others are summed over and left empty). FULL (31) rows are
    counted from the live tables; the others are sums of FULL rows, so that a national or a
    provincial view reads a few thousand rows."""

    cuboid = models.SmallIntegerField()
    indicator = models.CharField(max_length=16)
    month = models.DateField(null=True)
    province_id = models.CharField(max_length=2, null=True)
    organisation_id = models.IntegerField(null=True)
    sex = models.CharField(max_length=8, null=True)
    minor = models.BooleanField(null=True)
    forms = models.SmallIntegerField(null=True)  # one bit per form of exploitation of the case
    g1 = models.TextField(null=True)
    g2 = models.TextField(null=True)
    g3 = models.TextField(null=True)
    value = models.IntegerField(null=True)
    n = models.IntegerField()
    k = models.BigIntegerField()

    class Meta:
        # Every view reads one cuboid narrowed by some of these, in this order (a province,
        # an organisation, both, or neither; then sex, minor, forms); a refresh one
        # partition's FULL rows. The rows are written in the same order (summary.CELL_ORDER).
        indexes = [
            models.Index(
                fields=["cuboid", "province_id", "organisation_id", "sex", "minor", "forms"],
                name="summary_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.month} {self.n}"


class DirtyPartition(ValidatedModel, models.Model):
    """A partition of the summary (the cases of one organisation from one province of origin)
    that changed since its summary rows were computed. Database triggers add one row per
    partition a writing statement touched (never updated, so writers never wait on each
    other); dashboards count such partitions from the live tables until `summary_refresh`
    recomputes them and deletes the rows it saw."""

    id = models.BigAutoField(primary_key=True)
    organisation_id = models.IntegerField()
    province_id = models.CharField(max_length=2, null=True)
    marked_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.province_id}"


class SummaryPartition(ValidatedModel, models.Model):
    """How many cases a partition of the summary held when its rows were last computed: what
    a dashboard weighs before it counts a dirty partition from the live tables."""

    organisation_id = models.IntegerField()
    province_id = models.CharField(max_length=2, null=True)
    cases = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation_id"], name="summary_partition_org")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.province_id}: {self.cases}"


class SummaryState(ValidatedModel, models.Model):
    """One row: when the summary was rebuilt, and for which record keys (a fingerprint of the
    cell key secret: summary rows built under another secret are never read)."""

    fingerprint = models.CharField(max_length=64)
    rebuilt_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"summary of {self.rebuilt_at}"
