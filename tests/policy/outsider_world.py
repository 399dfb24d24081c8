"""The world the outsider sweep (test_outsider_sweep.py) walks: organisation A holds a case
with one object of every kind a URL names, a canary in every free-text field the services take;
organisation B received the case through a referral with consent; organisation C shares
nothing with anyone and has a case and a webhook endpoint of its own; a ministry has nothing
shared with it."""

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.services import api_key_create
from cases.services import case_sensitive_facts_update
from documents.services import document_upload
from followup.models import FollowUpVisit
from followup.services import community_resource_create, visit_add, visit_record
from legal import services as legal
from organisations.models import OrganisationKind, Role
from plans.models import Domain
from plans.services import (
    action_add,
    approval_approve,
    assessment_record,
    closure_request,
    community_preparation_record,
    family_assessment_record,
    goal_add,
    livelihood_record,
    plan_start,
    plan_submit,
    service_record,
)
from primero.models import (
    CallKind,
    CallStatus,
    InboundReferral,
    OutboxCall,
    PrimeroConnection,
)
from referrals.services import referral_accept
from returns import services as returns
from tests.cases.factories import CaseFactory, log_session
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent, send
from transfers.services import transfer_request
from webhooks.models import DeliveryStatus, Event, WebhookDelivery
from webhooks.services import webhook_endpoint_create

# Every free text of organisation A's world starts with CANARY; no answer to an outsider may
# hold it, nor the Khmer name, the case number or the names of A's people.
CANARY = "Qzcanary"
KHMER_CANARY = "សុខកានារី"


def canary(field: str) -> str:
    return f"{CANARY}-{field}"


def build() -> SimpleNamespace:
    """Every object, written through the services (the Primero records and a webhook delivery,
    which arrive from outside, are written as the receivers write them)."""
    today = timezone.localdate()
    a = OrganisationFactory(name="Homecoming Test Shelter", short_name="HTS")
    b = OrganisationFactory(name="Legal Aid Cambodia", short_name="LAC")
    c = OrganisationFactory(name="Other Province NGO", short_name="OPN")
    ministry = OrganisationFactory(
        name="Ministry of Social Affairs", short_name="MOSALVY", kind=OrganisationKind.MINISTRY
    )

    def person(username, organisation, role):
        return UserFactory(
            username=username,
            organisation=organisation,
            role=role,
            first_name=f"{CANARY}{username}",
            last_name=f"{CANARY}{username}Last",
            email=f"{username}@{CANARY.lower()}.example.org",
        )

    owner = person("qzowner", a, Role.SOCIAL_WORKER)
    colleague = person("qzcolleague", a, Role.SOCIAL_WORKER)
    supervisor = person("qzsupervisor", a, Role.SUPERVISOR)
    a_admin = person("qzadmin", a, Role.ORG_ADMIN)
    b_supervisor = UserFactory(username="b-supervisor", organisation=b, role=Role.SUPERVISOR)

    case = CaseFactory(
        actor=owner,
        name_latin=f"{CANARY} Sreyneang",
        name_khmer=KHMER_CANARY,
        family_contact=canary("family-contact"),
        hiv_status="positive",
        health_notes=canary("health-notes"),
        legal_details=canary("legal-details"),
    )
    case_sensitive_facts_update(
        actor=owner,
        case=case,
        hiv_status="positive",
        health_notes=canary("health-notes"),
        legal_details=canary("legal-details"),
    )
    consent = give_consent(case, owner, organisation=b, health=True)
    session = log_session(
        actor=owner, case=case, topics=canary("topics"), confidential_notes=canary("notes")
    )
    referral = send(case, owner, b, reason=canary("referral-reason"))
    referral_accept(actor=b_supervisor, referral=referral)

    visit = visit_add(actor=owner, case=case, scheduled_for=today + dt.timedelta(days=7))
    done = FollowUpVisit.objects.create(
        case=case, scheduled_for=today - dt.timedelta(days=3), assigned_worker=owner
    )
    visit_record(
        actor=owner, visit=done, visited_on=today - dt.timedelta(days=3),
        place=canary("visit-place"), risk_signs=canary("risk-signs"), notes=canary("visit-notes"),
    )  # fmt: skip

    plan = plan_start(actor=owner, case=case)
    goal = goal_add(actor=owner, plan=plan, domain="livelihood", description=canary("goal"))
    action = action_add(
        actor=owner, goal=goal, what=canary("action"), provider_kind="own",
        target_date=today + dt.timedelta(days=30),
    )  # fmt: skip
    approval = plan_submit(actor=owner, plan=plan)
    approval_approve(actor=supervisor, approval=approval, comment=canary("approval-comment"))
    plan.refresh_from_db()
    delivery = service_record(
        actor=owner, action=action, delivered_on=today, provider=canary("provider"),
        note=canary("service-note"),
    )  # fmt: skip
    # A new version, drafted: what the plan pages edit and submit.
    draft = plan_start(actor=owner, case=case)
    goal_add(actor=owner, plan=draft, domain="health", description=canary("draft-goal"))
    assessment = assessment_record(
        actor=owner, case=case, assessed_on=today, occasion="intake",
        scores={domain: (2, canary(f"score-{domain}")) for domain in Domain.values},
    )  # fmt: skip
    family_assessment = family_assessment_record(
        actor=owner, case=case, visited_on=today, people_met=canary("people-met"),
        family_attitude="mixed", community_attitude="hostile", family_member_involved=True,
        risks=canary("risks"), recommendation="return_with_conditions", reason=canary("reason"),
    )  # fmt: skip
    resource = community_resource_create(
        actor=owner, kind="village_chief", name="Village chief", province=case.origin_province
    )
    preparation = community_preparation_record(
        actor=owner, case=case, resource=resource, met_on=today, agreed_to=canary("agreed-to")
    )
    livelihood = livelihood_record(
        actor=owner, case=case, kind="training", course=canary("course"),
        provider=canary("livelihood-provider"), support_kind=canary("support"), goal=goal,
    )  # fmt: skip

    proceeding = legal.legal_proceeding_create(
        actor=owner, case=case, kind="criminal_complaint", court=canary("court"),
        survivor_role="witness", file_number=canary("file-number"), lawyer=canary("lawyer"),
        charges=canary("charges"),
    )  # fmt: skip
    hearing = legal.hearing_schedule(
        actor=owner, proceeding=proceeding, date=today + dt.timedelta(days=10),
        purpose=canary("hearing-purpose"), accompanied_by=canary("accompanied-by"),
        transport=canary("transport"), testimony_arrangement="video_link",
    )  # fmt: skip
    protection = legal.protection_measure_add(
        actor=owner, proceeding=proceeding, kind="no_contact_order", starts_on=today,
        notes=canary("protection-notes"),
    )  # fmt: skip
    compensation = legal.compensation_record(
        actor=owner, proceeding=proceeding, ordered_riel=4_000_000, ordered_on=today
    )

    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(nationality="ID")  # a return out of Cambodia
    case.nationality = "ID"
    cross_border_return = returns.return_start(
        actor=owner, case=case, direction="out_of_cambodia", country="ID",
        identified_on=today - dt.timedelta(days=40), receiving_agency=canary("agency"),
    )  # fmt: skip
    returns.return_step_record(
        actor=owner, cross_border_return=cross_border_return, step="nationality_verified",
        done_on=today - dt.timedelta(days=35), note=canary("step-note"),
    )  # fmt: skip

    def upload(**attached):
        name = f"{CANARY}-{'-'.join(attached) or 'case'}.pdf"
        return document_upload(
            actor=owner, case=case, category="identity",
            file=SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
            **attached,
        )  # fmt: skip

    document = upload()
    documents = [
        document,
        upload(consent=consent),
        upload(plan=plan),
        upload(proceeding=proceeding),
        upload(cross_border_return=cross_border_return),
    ]
    transfer = transfer_request(
        actor=supervisor, case=case, to_organisation=b, reason=canary("transfer-reason")
    )
    closure = closure_request(
        actor=owner, case=case, reason="lost_contact", note=canary("closure-note")
    )

    endpoint, _secret = webhook_endpoint_create(
        actor=a_admin, organisation=a, url=f"http://127.0.0.1:9/{CANARY}",
        events=list(Event.values), description=canary("endpoint"),
    )  # fmt: skip
    now = timezone.now()
    webhook_delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id=f"msg_{CANARY}", event=Event.CASE_SHARED,
        resource=f"/api/v1/cases/{case.pk}/", occurred_at=now, next_attempt_at=now,
        status=DeliveryStatus.FAILED, attempts=16, last_response_code=500,
        last_error=canary("delivery-error"),
    )  # fmt: skip
    connection = PrimeroConnection.objects.create(
        organisation=a, base_url="http://127.0.0.1:9", username="homecoming",
        password="s3cret-pass", recipient="homecoming",
    )  # fmt: skip
    inbound = InboundReferral.objects.create(
        connection=connection, primero_case_id="case-1", primero_referral_id="referral-1",
        short_id=canary("short-id")[:32], sent_by=canary("sent-by"), service="shelter",
        notes=canary("inbound-notes"), shared={"name": canary("inbound-name")},
    )  # fmt: skip
    call = OutboxCall.objects.create(
        connection=connection, kind=CallKind.SEND_REFERRAL, referral=referral,
        status=CallStatus.FAILED, attempts=3, last_error=canary("call-error"),
    )  # fmt: skip
    key, _plaintext = api_key_create(actor=None, organisation=a, name=canary("key"))

    # Organisation C: its people, its key, a case and an endpoint of its own (so that a URL
    # naming C's case and A's object is tried too).
    c_supervisor = UserFactory(username="c-supervisor", organisation=c, role=Role.SUPERVISOR)
    c_admin = UserFactory(username="c-admin", organisation=c, role=Role.ORG_ADMIN)
    c_worker = UserFactory(username="c-worker", organisation=c, role=Role.SOCIAL_WORKER)
    officer = UserFactory(username="m-officer", organisation=ministry, role=Role.MINISTRY_OFFICER)
    _c_key, c_plaintext = api_key_create(actor=None, organisation=c, name="C database")
    c_case = CaseFactory(actor=c_supervisor, name_latin="Chea Bopha", assigned_worker=c_worker)
    c_endpoint, _ = webhook_endpoint_create(
        actor=c_admin, organisation=c, url="http://127.0.0.1:9/c", events=list(Event.values)
    )

    return SimpleNamespace(
        a=a, b=b, c=c, ministry=ministry,
        owner=owner, colleague=colleague, supervisor=supervisor, a_admin=a_admin,
        case=case, consent=consent, session=session, referral=referral, visit=visit,
        done_visit=done, plan=plan, draft=draft, goal=goal, action=action, approval=approval,
        delivery=delivery, assessment=assessment, family_assessment=family_assessment,
        resource=resource, preparation=preparation, livelihood=livelihood,
        proceeding=proceeding, hearing=hearing, protection=protection, compensation=compensation,
        cross_border_return=cross_border_return, document=document, documents=documents,
        transfer=transfer, closure=closure, endpoint=endpoint,
        webhook_delivery=webhook_delivery, connection=connection, inbound=inbound, call=call,
        key=key,
        c_supervisor=c_supervisor, c_admin=c_admin, c_worker=c_worker, officer=officer,
        c_plaintext=c_plaintext, c_case=c_case, c_endpoint=c_endpoint,
    )  # fmt: skip


def secrets_of(world) -> list[str]:
    """What no answer to an outsider may hold."""
    people = [world.owner, world.colleague, world.supervisor, world.a_admin]
    return [
        CANARY,
        KHMER_CANARY,
        world.case.case_number,
        *(p.username for p in people),
        *(p.get_full_name() for p in people),
    ]
