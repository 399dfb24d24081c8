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
referral being written, which takes the new consent's dates.

Each referral holds its case's organisation, worker, risk level and intake date the same way
(below, `create_case_keys`)."""

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


# --- The case's owner and caseload sort keys --------------------------------------------------
#
# Each referral also holds its case's `organisation_id`, `assigned_worker_id`, `risk_level`
# and `intake_date` (`case_organisation_id`, `case_assigned_worker_id`, `case_risk_level`,
# `case_intake_date`): the receiving organisation's caseload sorts the cases shared with it,
# and leaves out those it holds itself, from its grants (`referral_grants`, read once per
# page) instead of reading each shared case's row (9,416 of them for one organisation at
# 1,000,000 cases). Kept by the database as the consent's dates are:
#
# - A referral written takes its case's values as they are then. When it is inserted, the
#   case's row is read `FOR SHARE`: a case being changed is waited for, and a case change
#   waits for the new referral, whose row it could not otherwise see. An update of a
#   referral needs no lock: a case change that reaches the referral waits for its row, and
#   the referral's write, waiting for the case change's, reads the case after it.
# - A case whose owner, worker, risk level or intake date changes gives the new values to
#   every referral of it.

CASE_KEYS_POSTGRESQL_CREATE = [
    """
CREATE OR REPLACE FUNCTION referral_takes_case_keys() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM cases_case WHERE id = NEW.case_id FOR SHARE;
    END IF;
    SELECT organisation_id, assigned_worker_id, risk_level, intake_date
    INTO NEW.case_organisation_id, NEW.case_assigned_worker_id, NEW.case_risk_level,
         NEW.case_intake_date
    FROM cases_case WHERE id = NEW.case_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER referral_takes_case_keys
    BEFORE INSERT OR UPDATE ON referrals_referral
    FOR EACH ROW EXECUTE FUNCTION referral_takes_case_keys();
""",
    """
CREATE OR REPLACE FUNCTION case_gives_keys() RETURNS trigger AS $$
BEGIN
    UPDATE referrals_referral
    SET case_organisation_id = NEW.organisation_id,
        case_assigned_worker_id = NEW.assigned_worker_id,
        case_risk_level = NEW.risk_level,
        case_intake_date = NEW.intake_date
    WHERE case_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER case_gives_keys
    AFTER UPDATE OF organisation_id, assigned_worker_id, risk_level, intake_date ON cases_case
    FOR EACH ROW
    WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
          OR OLD.assigned_worker_id IS DISTINCT FROM NEW.assigned_worker_id
          OR OLD.risk_level IS DISTINCT FROM NEW.risk_level
          OR OLD.intake_date IS DISTINCT FROM NEW.intake_date)
    EXECUTE FUNCTION case_gives_keys();
""",
]

CASE_KEYS_POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS case_gives_keys ON cases_case;",
    "DROP FUNCTION IF EXISTS case_gives_keys();",
    "DROP TRIGGER IF EXISTS referral_takes_case_keys ON referrals_referral;",
    "DROP FUNCTION IF EXISTS referral_takes_case_keys();",
]

# As for the consent's dates: each trigger acts only where the copy differs.
_CASE_DIFFERS = """
    NOT EXISTS (
        SELECT 1 FROM cases_case c WHERE c.id = NEW.case_id
        AND c.organisation_id IS NEW.case_organisation_id
        AND c.assigned_worker_id IS NEW.case_assigned_worker_id
        AND c.risk_level IS NEW.case_risk_level
        AND c.intake_date IS NEW.case_intake_date
    )
"""
_CASE_TAKE = """
    UPDATE referrals_referral
    SET (case_organisation_id, case_assigned_worker_id, case_risk_level, case_intake_date) =
        (SELECT organisation_id, assigned_worker_id, risk_level, intake_date
         FROM cases_case WHERE id = NEW.case_id)
    WHERE id = NEW.id;
"""

CASE_KEYS_SQLITE_CREATE = [
    "CREATE TRIGGER referral_takes_case_keys_insert AFTER INSERT ON referrals_referral"
    f" WHEN {_CASE_DIFFERS} BEGIN {_CASE_TAKE} END;",
    "CREATE TRIGGER referral_takes_case_keys_update AFTER UPDATE ON referrals_referral"
    f" WHEN {_CASE_DIFFERS} BEGIN {_CASE_TAKE} END;",
    """
CREATE TRIGGER case_gives_keys
AFTER UPDATE OF organisation_id, assigned_worker_id, risk_level, intake_date ON cases_case
WHEN OLD.organisation_id IS NOT NEW.organisation_id
    OR OLD.assigned_worker_id IS NOT NEW.assigned_worker_id
    OR OLD.risk_level IS NOT NEW.risk_level
    OR OLD.intake_date IS NOT NEW.intake_date
BEGIN
    UPDATE referrals_referral
    SET case_organisation_id = NEW.organisation_id,
        case_assigned_worker_id = NEW.assigned_worker_id,
        case_risk_level = NEW.risk_level,
        case_intake_date = NEW.intake_date
    WHERE case_id = NEW.id;
END;
""",
]

CASE_KEYS_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS case_gives_keys;",
    "DROP TRIGGER IF EXISTS referral_takes_case_keys_update;",
    "DROP TRIGGER IF EXISTS referral_takes_case_keys_insert;",
]

# Every referral's copy, with the cases' table held in share mode so that no case changes
# between this copy and the triggers.
CASE_KEYS_FILL_POSTGRESQL = [
    "LOCK TABLE cases_case IN SHARE MODE;",
    """
UPDATE referrals_referral r
SET case_organisation_id = c.organisation_id,
    case_assigned_worker_id = c.assigned_worker_id,
    case_risk_level = c.risk_level,
    case_intake_date = c.intake_date
FROM cases_case c
WHERE c.id = r.case_id;
""",
]
CASE_KEYS_FILL_SQLITE = [
    """
UPDATE referrals_referral
SET (case_organisation_id, case_assigned_worker_id, case_risk_level, case_intake_date) =
    (SELECT organisation_id, assigned_worker_id, risk_level, intake_date
     FROM cases_case c WHERE c.id = referrals_referral.case_id);
"""
]


def create_case_keys(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _statements(vendor, CASE_KEYS_FILL_POSTGRESQL, CASE_KEYS_FILL_SQLITE):
        schema_editor.execute(statement, params=None)
    for statement in _statements(vendor, CASE_KEYS_POSTGRESQL_CREATE, CASE_KEYS_SQLITE_CREATE):
        schema_editor.execute(statement, params=None)


def drop_case_keys(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _statements(vendor, CASE_KEYS_POSTGRESQL_DROP, CASE_KEYS_SQLITE_DROP):
        schema_editor.execute(statement, params=None)
