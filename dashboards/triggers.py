"""The PostgreSQL triggers that mark summary partitions dirty (see summary.py).

One statement-level trigger per event and counted table reads the statement's transition tables
and appends, for each (organisation, province of origin) of a case whose counted facts it
changed, one row to the dirty marks. An UPDATE that changes nothing a dashboard counts (a note, a
name, `updated_at`) marks nothing.
"""

MARKS = "dashboards_dirtypartition"
CASE_PARTITION = "c.organisation_id, c.origin_province_id"
BY_CASE = "JOIN cases_case c ON c.id = r.case_id"

# table -> (how its rows reach their case, the columns a dashboard counts)
TABLES = {
    "cases_case": (
        "",  # the transition rows are the cases: their own organisation and province
        [
            "organisation_id", "origin_province_id", "sex", "minor_at_intake", "intake_date",
            "phase", "movement", "nationality", "closed_on", "closure_reason",
        ],
    ),
    "cases_caseexploitation": (BY_CASE, ["case_id", "form"]),
    "referrals_referral": (
        BY_CASE,
        [
            "case_id", "from_organisation_id", "to_organisation_id", "status", "sent_at",
            "answer_days",
        ],
    ),
    "followup_followupvisit": (
        BY_CASE,
        [
            "case_id", "status", "scheduled_for", "visited_on", "plan_month", "school_or_work",
            "monthly_income_riel", "risk_signs", "retrafficking_risk", "safety", "health",
            "family_acceptance", "community_acceptance",
        ],
    ),
    "plans_approval": (BY_CASE, ["case_id", "kind", "status", "decided_at"]),
    "plans_servicedelivery": (BY_CASE, ["case_id", "action_id", "delivered_on"]),
    "plans_familyassessment": (
        BY_CASE,
        ["case_id", "visited_on", "recommendation", "alternative_option"],
    ),
    "returns_crossborderreturn": (
        BY_CASE,
        ["case_id", "direction", "country", "identified_on", "travelled_on"],
    ),
    # A service delivered is counted under its action's provider and its goal's domain.
    "plans_action": (
        "JOIN plans_servicedelivery d ON d.action_id = r.id JOIN cases_case c ON c.id = d.case_id",
        ["provider_kind", "goal_id"],
    ),
    "plans_goal": (
        "JOIN plans_action a ON a.goal_id = r.id "
        "JOIN plans_servicedelivery d ON d.action_id = a.id JOIN cases_case c ON c.id = d.case_id",
        ["domain"],
    ),
}  # fmt: skip

# A referral is counted under the kinds of its sender and receiver.
ORGANISATION_KIND = """
CREATE OR REPLACE FUNCTION dashboards_mark_organisations_organisation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dashboards_dirtypartition (organisation_id, province_id, marked_at)
  SELECT DISTINCT c.organisation_id, c.origin_province_id, now()
  FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.kind IS DISTINCT FROM n.kind
  JOIN referrals_referral r ON r.from_organisation_id = n.id OR r.to_organisation_id = n.id
  JOIN cases_case c ON c.id = r.case_id;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS dashboards_mark_update ON organisations_organisation;
CREATE TRIGGER dashboards_mark_update AFTER UPDATE ON organisations_organisation
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_organisations_organisation();
"""


def _function(table: str, join: str, columns: list[str]) -> str:
    partition = CASE_PARTITION if join else "r.organisation_id, r.origin_province_id"

    def mark(rows: str, where: str = "") -> str:
        return (
            f"INSERT INTO {MARKS} (organisation_id, province_id, marked_at) "  # noqa: S608
            f"SELECT DISTINCT {partition}, now() FROM {rows} r {join} {where};"
        )

    changed = (
        f"WHERE r.id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "  # noqa: S608
        f"WHERE ({', '.join('o.' + c for c in columns)}) "
        f"IS DISTINCT FROM ({', '.join('n.' + c for c in columns)}))"
    )
    return f"""
CREATE OR REPLACE FUNCTION dashboards_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {mark("new_rows")}
  ELSIF TG_OP = 'DELETE' THEN
    {mark("old_rows")}
  ELSE
    {mark("new_rows", changed)}
    {mark("old_rows", changed)}
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS dashboards_mark_insert ON {table};
DROP TRIGGER IF EXISTS dashboards_mark_update ON {table};
DROP TRIGGER IF EXISTS dashboards_mark_delete ON {table};
CREATE TRIGGER dashboards_mark_insert AFTER INSERT ON {table}
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_{table}();
CREATE TRIGGER dashboards_mark_update AFTER UPDATE ON {table}
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_{table}();
CREATE TRIGGER dashboards_mark_delete AFTER DELETE ON {table}
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_{table}();
"""


def install_sql() -> str:
    functions = [_function(table, join, columns) for table, (join, columns) in TABLES.items()]
    return "\n".join([*functions, ORGANISATION_KIND])


def drop_sql() -> str:
    statements = []
    for table in [*TABLES, "organisations_organisation"]:
        for event in ("insert", "update", "delete"):
            statements.append(f"DROP TRIGGER IF EXISTS dashboards_mark_{event} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS dashboards_mark_{table}();")
    return "\n".join(statements)
