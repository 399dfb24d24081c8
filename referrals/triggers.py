"""The database keeps each referral's copy of its consent's dates (`consent_expires_on`,
`consent_withdrawn_on`) equal to the consent's, on PostgreSQL and SQLite alike: whatever
writes the referral or the consent (a service, the admin, a queryset update, raw SQL, COPY),
the copy follows in the same statement. `holding_access` reads the copy, so whether a
referral's consent still holds is read from the referral's row, and from the
`referral_grants` index alone, instead of from each consent's (9,449 of them for one
organisation at 1,000,000 cases).

- A referral written (inserted, or updated in any column) takes its consent's dates as
  they are then; a value Django writes from a stale instance is replaced. On PostgreSQL the
  consent's row is read `FOR SHARE`: a consent whose dates another transaction is changing is
  waited for, so a referral sent while its consent is withdrawn cannot keep the old dates.
- A consent whose expiry or withdrawal changes gives its new dates to every referral relying
  on it.
- A referral sent on an override has no consent and no dates.

A consent relied on cannot be deleted (PROTECT), nor a referral's consent moved without the
referral being written, which takes the new consent's dates."""

POSTGRESQL_CREATE = [
    """
CREATE OR REPLACE FUNCTION referral_takes_consent_dates() RETURNS trigger AS $$
BEGIN
    IF NEW.consent_id IS NULL THEN
        NEW.consent_expires_on := NULL;
        NEW.consent_withdrawn_on := NULL;
    ELSE
        SELECT expires_on, withdrawn_on INTO NEW.consent_expires_on, NEW.consent_withdrawn_on
        FROM cases_consent WHERE id = NEW.consent_id FOR SHARE;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER referral_takes_consent_dates
    BEFORE INSERT OR UPDATE ON referrals_referral
    FOR EACH ROW EXECUTE FUNCTION referral_takes_consent_dates();
""",
    """
CREATE OR REPLACE FUNCTION consent_gives_dates() RETURNS trigger AS $$
BEGIN
    UPDATE referrals_referral
    SET consent_expires_on = NEW.expires_on, consent_withdrawn_on = NEW.withdrawn_on
    WHERE consent_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER consent_gives_dates
    AFTER UPDATE OF expires_on, withdrawn_on ON cases_consent
    FOR EACH ROW
    WHEN (OLD.expires_on IS DISTINCT FROM NEW.expires_on
          OR OLD.withdrawn_on IS DISTINCT FROM NEW.withdrawn_on)
    EXECUTE FUNCTION consent_gives_dates();
""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS consent_gives_dates ON cases_consent;",
    "DROP FUNCTION IF EXISTS consent_gives_dates();",
    "DROP TRIGGER IF EXISTS referral_takes_consent_dates ON referrals_referral;",
    "DROP FUNCTION IF EXISTS referral_takes_consent_dates();",
]

# SQLite changes NEW in no trigger: the row written is corrected after it. Each trigger acts
# only where the copy differs from the consent, so none fires itself again, whatever
# `recursive_triggers` says.
_DIFFERS = """
    NEW.consent_expires_on IS NOT (SELECT expires_on FROM cases_consent WHERE id = NEW.consent_id)
    OR NEW.consent_withdrawn_on IS NOT
        (SELECT withdrawn_on FROM cases_consent WHERE id = NEW.consent_id)
"""
_TAKE = """
    UPDATE referrals_referral
    SET consent_expires_on = (SELECT expires_on FROM cases_consent WHERE id = NEW.consent_id),
        consent_withdrawn_on =
            (SELECT withdrawn_on FROM cases_consent WHERE id = NEW.consent_id)
    WHERE id = NEW.id;
"""

SQLITE_CREATE = [
    "CREATE TRIGGER referral_takes_consent_dates_insert AFTER INSERT ON referrals_referral"
    f" WHEN {_DIFFERS} BEGIN {_TAKE} END;",
    "CREATE TRIGGER referral_takes_consent_dates_update AFTER UPDATE ON referrals_referral"
    f" WHEN {_DIFFERS} BEGIN {_TAKE} END;",
    """
CREATE TRIGGER consent_gives_dates AFTER UPDATE OF expires_on, withdrawn_on ON cases_consent
WHEN OLD.expires_on IS NOT NEW.expires_on OR OLD.withdrawn_on IS NOT NEW.withdrawn_on
BEGIN
    UPDATE referrals_referral
    SET consent_expires_on = NEW.expires_on, consent_withdrawn_on = NEW.withdrawn_on
    WHERE consent_id = NEW.id;
END;
""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS consent_gives_dates;",
    "DROP TRIGGER IF EXISTS referral_takes_consent_dates_update;",
    "DROP TRIGGER IF EXISTS referral_takes_consent_dates_insert;",
]

# The copies of the referrals written before the triggers: those whose consent has a date
# (the new columns start empty). The migration adding them holds the referrals' table; the
# consents' is held too, so that no date changes between this copy and the triggers.
FILL_POSTGRESQL = [
    "LOCK TABLE cases_consent IN SHARE MODE;",
    """
UPDATE referrals_referral r
SET consent_expires_on = c.expires_on, consent_withdrawn_on = c.withdrawn_on
FROM cases_consent c
WHERE c.id = r.consent_id AND (c.expires_on IS NOT NULL OR c.withdrawn_on IS NOT NULL);
""",
]
FILL_SQLITE = [
    """
UPDATE referrals_referral
SET consent_expires_on =
        (SELECT expires_on FROM cases_consent c WHERE c.id = referrals_referral.consent_id),
    consent_withdrawn_on =
        (SELECT withdrawn_on FROM cases_consent c WHERE c.id = referrals_referral.consent_id)
WHERE consent_id IN
    (SELECT id FROM cases_consent WHERE expires_on IS NOT NULL OR withdrawn_on IS NOT NULL);
"""
]


def _statements(vendor: str, postgresql: list[str], sqlite: list[str]) -> list[str]:
    if vendor == "postgresql":
        return postgresql
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"No consent-date triggers for {vendor}.")


def create(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _statements(vendor, FILL_POSTGRESQL, FILL_SQLITE):
        schema_editor.execute(statement, params=None)
    for statement in _statements(vendor, POSTGRESQL_CREATE, SQLITE_CREATE):
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _statements(vendor, POSTGRESQL_DROP, SQLITE_DROP):
        schema_editor.execute(statement, params=None)
