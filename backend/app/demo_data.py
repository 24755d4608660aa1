"""The demo city of Northbridge: catalogue, citizens, applications and service requests.

Deterministic: every record comes from one seeded random generator and is dated
back from a reference time (by default the moment of seeding, so the demo
always looks current; pass a fixed one for byte-identical content). The fixed
records of docs/conversation-design.md come first, exactly as listed there.

Idempotent: records are keyed by code or number and only missing ones are
inserted, so a second run adds nothing. Seed a fresh database: a number that
already exists is taken to be the demo record.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import hash_pin
from app.demo_conversations import seed_demo_conversations
from app.demo_texts import (
    APPLICATION_NOUN,
    CASEWORKERS,
    DEPARTMENTS,
    DESCRIPTIONS,
    DOCUMENTS_ASKED,
    FIRST_NAMES,
    INFORMATION_ONLY_ATTRIBUTES,
    ISSUED_TEXT,
    LANDMARKS,
    OPEN311_BATCH_SERVICES,
    PROGRESS_NOTES_FOR_STAFF,
    REASSIGNMENTS,
    REJECTION_STEPS,
    REQUEST_STEPS,
    SERVICE_ATTRIBUTES,
    SERVICE_KEYWORDS,
    SERVICES,
    STREETS,
    SURNAMES,
)
from app.models import (
    Application,
    ApplicationEvent,
    Citizen,
    CitizenNotification,
    Department,
    Notification,
    Service,
    ServiceAttribute,
    ServiceRequest,
    ServiceRequestEvent,
)
from app.notifications.outbox import NOTIFIED_REQUEST_CHANNELS
from app.open311.api_keys import ensure_demo_client
from app.staff.demo import seed_demo_staff
from app.statuses import ApplicationStatus as A
from app.statuses import NotificationAudience, NotificationChannel, NotificationStatus, Open311ServiceType, ServiceKind
from app.statuses import ServiceRequestStatus as S
from app.statuses import WorkOrderAction as W
from app.working_days import add_working_days, subtract_working_days

RANDOM_SEED = 12345


@dataclass
class Step:
    status: str
    step_text: str
    internal_note: str | None
    actor: str
    occurred_at: datetime


@dataclass
class ApplicationPlan:
    number: str
    service: str
    pin: str
    full_name: str
    date_of_birth: date
    phone: str | None
    email: str | None
    steps: list[Step] = field(default_factory=list)


@dataclass
class RequestStep:
    action: str
    status: str
    step_text: str
    internal_note: str | None
    actor: str
    occurred_at: datetime
    department: str
    reason: str | None = None
    visible_to_citizen: bool = True
    notify_citizen: bool = False


@dataclass
class RequestPlan:
    number: str
    category: str
    location: str
    description: str
    channel: str
    contact_phone: str | None
    wants_updates: bool = False
    latitude: float | None = None
    longitude: float | None = None
    attributes: dict[str, object] | None = None
    steps: list[RequestStep] = field(default_factory=list)

    @property
    def department(self) -> str:
        return self.steps[-1].department

    @property
    def escalated_at(self) -> datetime | None:
        return next((step.occurred_at for step in self.steps if step.action == W.ESCALATED), None)


def _step_days_back(rng: random.Random, reference: datetime, days_back: list[int]) -> list[datetime]:
    """Office-hours moments on weekdays, the given (falling, at least 1) days before `reference`."""
    moments: list[datetime] = []
    for days in days_back:
        day = reference.date() - timedelta(days=days)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        # Moving back to Friday must not reorder the steps.
        if moments and day <= moments[-1].date():
            day = moments[-1].date() + timedelta(days=1)
        moments.append(datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=UTC))
    return moments


def _application_steps(rng: random.Random, service: str, statuses: list[A], moments: list[datetime]) -> list[Step]:
    caseworker = rng.choice(CASEWORKERS)
    steps = []
    for index, (status, moment) in enumerate(zip(statuses, moments, strict=True)):
        resumed = index > 0 and statuses[index - 1] == A.AWAITING_DOCUMENTS
        text, note, actor = {
            A.SUBMITTED: (
                f"We received your application for {APPLICATION_NOUN[service]}.",
                "Submitted through the citizen portal; fee paid.",
                "citizen portal",
            ),
            A.UNDER_REVIEW: (
                "We received your documents and the review continues."
                if resumed
                else "A caseworker started reviewing your application.",
                f"Assigned to {caseworker}.",
                caseworker,
            ),
            A.AWAITING_DOCUMENTS: (
                f"We asked you for {DOCUMENTS_ASKED[service]}.",
                "Letter sent; 30-day deadline.",
                caseworker,
            ),
            A.APPROVED: ("Your application was approved.", "Checks complete, approved.", caseworker),
            A.REJECTED: (
                "Your application was not approved. The decision letter explains why.",
                "Eligibility criteria not met; decision letter sent.",
                caseworker,
            ),
            A.ISSUED: (ISSUED_TEXT[service], None, "issuing office"),
            A.WITHDRAWN: ("You withdrew your application.", "Withdrawn by the applicant by phone.", caseworker),
        }[status]
        steps.append(Step(status.value, text, note, actor, moment))
    return steps


def _fixed_applications(rng: random.Random, reference: datetime) -> list[ApplicationPlan]:
    # Exactly the records of docs/conversation-design.md.
    fixed = [
        (
            "APP-204817",
            "business_licence",
            "482913",
            "Amira Haddad",
            date(1985, 3, 14),
            [A.SUBMITTED, A.UNDER_REVIEW],
            [12, 5],
        ),
        (
            "APP-318402",
            "residence_permit",
            "731055",
            "Tomás Oliveira",
            date(1990, 11, 2),
            [A.SUBMITTED, A.UNDER_REVIEW, A.AWAITING_DOCUMENTS, A.UNDER_REVIEW, A.APPROVED],
            [40, 35, 28, 20, 3],
        ),
        (
            "APP-550193",
            "building_permit",
            "264880",
            "Graham Whitcombe",
            date(1978, 6, 30),
            [A.SUBMITTED, A.UNDER_REVIEW, A.AWAITING_DOCUMENTS],
            [30, 22, 8],
        ),
        (
            "APP-472036",
            "housing_benefit",
            "905317",
            "Margaret Doyle",
            date(1962, 1, 19),
            [A.SUBMITTED, A.UNDER_REVIEW, A.REJECTED],
            [25, 18, 4],
        ),
    ]
    plans = []
    for number, service, pin, name, born, statuses, days_back in fixed:
        plan = ApplicationPlan(number, service, pin, name, born, *_contact(rng, name))
        plan.steps = _application_steps(rng, service, statuses, _step_days_back(rng, reference, days_back))
        plans.append(plan)
    return plans


def _contact(rng: random.Random, full_name: str) -> tuple[str | None, str | None]:
    # 07700 900xxx is the UK range reserved for drama; example.org never delivers.
    phone = f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.8 else None
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    email = f"{ascii_name.lower().replace(' ', '.')}@example.org" if rng.random() < 0.7 else None
    return phone, email


APPLICATION_HISTORIES: dict[A, list[list[A]]] = {
    A.SUBMITTED: [[A.SUBMITTED]],
    A.UNDER_REVIEW: [[A.SUBMITTED, A.UNDER_REVIEW]],
    A.AWAITING_DOCUMENTS: [[A.SUBMITTED, A.UNDER_REVIEW, A.AWAITING_DOCUMENTS]],
    A.APPROVED: [
        [A.SUBMITTED, A.UNDER_REVIEW, A.APPROVED],
        [A.SUBMITTED, A.UNDER_REVIEW, A.AWAITING_DOCUMENTS, A.UNDER_REVIEW, A.APPROVED],
    ],
    A.REJECTED: [[A.SUBMITTED, A.UNDER_REVIEW, A.REJECTED]],
    A.ISSUED: [
        [A.SUBMITTED, A.UNDER_REVIEW, A.APPROVED, A.ISSUED],
        [A.SUBMITTED, A.UNDER_REVIEW, A.AWAITING_DOCUMENTS, A.UNDER_REVIEW, A.APPROVED, A.ISSUED],
    ],
    A.WITHDRAWN: [[A.SUBMITTED, A.WITHDRAWN], [A.SUBMITTED, A.UNDER_REVIEW, A.WITHDRAWN]],
}
GENERATED_APPLICATION_STATUSES = (
    [A.SUBMITTED] * 5
    + [A.UNDER_REVIEW] * 6
    + [A.AWAITING_DOCUMENTS] * 5
    + [A.APPROVED] * 6
    + [A.REJECTED] * 4
    + [A.ISSUED] * 6
    + [A.WITHDRAWN] * 4
)


def _generated_applications(rng: random.Random, reference: datetime, taken: set[str]) -> list[ApplicationPlan]:
    services = [code for code, spec in SERVICES.items() if spec[2] is None]
    plans = []
    for index, final_status in enumerate(GENERATED_APPLICATION_STATUSES):
        number = ""
        while not number or number in taken:
            # 100000-899999: numbers from 900000 up are kept for "does not exist".
            number = f"APP-{rng.randint(100_000, 899_999)}"
        taken.add(number)
        service = services[index % len(services)]
        statuses = rng.choice(APPLICATION_HISTORIES[final_status])
        # Walk back from the latest step, one to nine days per step.
        days_back = [rng.randint(1, 10)]
        for _ in statuses[1:]:
            days_back.insert(0, days_back[0] + rng.randint(2, 9))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 64 * 365))
        plan = ApplicationPlan(number, service, f"{rng.randint(0, 999_999):06d}", name, born, *_contact(rng, name))
        plan.steps = _application_steps(rng, service, statuses, _step_days_back(rng, reference, days_back))
        plans.append(plan)
    return plans


REQUEST_HISTORIES: dict[S, list[W]] = {
    S.DISPATCHED: [W.FILED, W.DISPATCHED],
    S.ACCEPTED: [W.FILED, W.DISPATCHED, W.ACCEPTED],
    S.IN_PROGRESS: [W.FILED, W.DISPATCHED, W.ACCEPTED, W.PROGRESS],
    S.RESOLVED: [W.FILED, W.DISPATCHED, W.ACCEPTED, W.PROGRESS, W.RESOLVED],
    S.CLOSED: [W.FILED, W.DISPATCHED, W.ACCEPTED, W.PROGRESS, W.RESOLVED, W.CLOSED],
    S.REJECTED: [W.FILED, W.DISPATCHED, W.REJECTED],
}
GENERATED_REQUEST_STATUSES = (
    [S.DISPATCHED] * 3 + [S.ACCEPTED] * 3 + [S.IN_PROGRESS] * 5 + [S.RESOLVED] * 7 + [S.CLOSED] * 8 + [S.REJECTED] * 3
)
# Open requests past their target date by this many working days, so the demo
# always has some overdue: escalated already, or (1 day) waiting for the next check.
OVERDUE_REQUESTS: list[tuple[str, S, int]] = [
    ("streetlight", S.ACCEPTED, 1),
    ("water_leak", S.DISPATCHED, 2),
    ("missed_collection", S.IN_PROGRESS, 4),
    ("pothole", S.IN_PROGRESS, 6),
]
# The fixed requests come right after the generated ones.
LAST_GENERATED_REQUEST = 100_230
CHANNELS = ["webchat", "webchat", "sms", "voice", "open311"]
# Around Northbridge's market square (WGS84), for requests filed with coordinates.
CENTRE = (54.9733, -1.6140)
ESCALATION_HOUR = 7


def _accepted_text(category: str) -> str:
    return REQUEST_STEPS[category][S.ACCEPTED]


def _request_step(
    rng: random.Random, category: str, action: W, moment: datetime, department: str, channel: str
) -> RequestStep:
    name = DEPARTMENTS[department]
    work_order = f"Work order {department[:2].upper()}-{rng.randint(1000, 9999)}."
    if action == W.FILED:
        return RequestStep(
            action,
            S.RECEIVED,
            "We received your report.",
            f"Filed through the {channel} channel.",
            "assistant" if channel != "open311" else "open311 client 1",
            moment,
            department,
        )
    if action == W.DISPATCHED:
        return RequestStep(
            action,
            S.DISPATCHED,
            f"We passed your report to {name}.",
            f"Dispatched by category {category}.",
            "assistant" if channel != "open311" else "open311 client 1",
            moment,
            department,
        )
    if action == W.ACCEPTED:
        return RequestStep(
            action, S.ACCEPTED, _accepted_text(category), work_order, name, moment, department, notify_citizen=True
        )
    if action == W.PROGRESS:
        return RequestStep(
            action,
            S.IN_PROGRESS,
            REQUEST_STEPS[category][S.IN_PROGRESS],
            rng.choice(PROGRESS_NOTES_FOR_STAFF),
            name,
            moment,
            department,
            notify_citizen=True,
        )
    if action == W.RESOLVED:
        return RequestStep(
            action,
            S.RESOLVED,
            REQUEST_STEPS[category][S.RESOLVED],
            None,
            name,
            moment,
            department,
            notify_citizen=True,
        )
    if action == W.CLOSED:
        return RequestStep(
            action,
            S.CLOSED,
            "The request was closed after the work was checked.",
            None,
            "hotline supervisor",
            moment,
            department,
        )
    assert action == W.REJECTED
    reason = rng.choice(REJECTION_STEPS)
    return RequestStep(
        action, S.REJECTED, reason, "Triage decision.", name, moment, department, reason=reason, notify_citizen=True
    )


def _with_escalation(plan: RequestPlan, target: date, reference: datetime) -> None:
    """Add the step the morning overdue check would have recorded, if it ran before the reference day.

    The check runs on working-day mornings; a request still open on the first
    one after its target date is escalated then.
    """
    check_day = add_working_days(target, 1)
    moment = datetime.combine(check_day, time(ESCALATION_HOUR, 0), tzinfo=UTC)
    if check_day >= reference.date():
        return
    finished = next((step.occurred_at for step in plan.steps if step.status in {S.RESOLVED, S.REJECTED}), None)
    if finished is not None and finished <= moment:
        return
    position = next((index for index, step in enumerate(plan.steps) if step.occurred_at > moment), len(plan.steps))
    before = plan.steps[position - 1]
    plan.steps.insert(
        position,
        RequestStep(
            W.ESCALATED,
            before.status,
            "Escalated to the supervisors: past its target date.",
            None,
            "overdue check",
            moment,
            before.department,
            reason=f"Due by {target.isoformat()}, still {before.status.replace('_', ' ')}.",
            visible_to_citizen=False,
        ),
    )


def _location(rng: random.Random) -> str:
    street = rng.choice(STREETS)
    return rng.choice(
        [
            f"{street} outside no. {rng.randint(1, 120)}",
            f"{street} at the junction with {rng.choice([s for s in STREETS if s != street])}",
            f"{street}, opposite the {rng.choice(LANDMARKS)}",
        ]
    )


def _history(
    rng: random.Random, category: str, actions: list[W], moments: list[datetime], channel: str
) -> list[RequestStep]:
    """Steps for `actions` at `moments` (filing and dispatch share the first moment)."""
    home = SERVICES[category][1]
    wrong = REASSIGNMENTS.get(category)
    # Some reports first go to the wrong department and are passed on.
    detour = wrong is not None and len(actions) > 3 and rng.random() < 0.5
    department = wrong[0] if detour and wrong else home
    steps = []
    for action, moment in zip(actions, [moments[0], *moments], strict=True):
        if action == W.ACCEPTED and detour and wrong:
            passed_on = steps[-1].occurred_at + (moment - steps[-1].occurred_at) / 2
            steps.append(
                RequestStep(
                    W.REASSIGNED,
                    S.DISPATCHED,
                    f"We passed your report to {DEPARTMENTS[home]}.",
                    None,
                    DEPARTMENTS[department],
                    passed_on,
                    home,
                    reason=wrong[1],
                )
            )
            department = home
        steps.append(_request_step(rng, category, action, moment, department, channel))
    return steps


def _reporter(rng: random.Random, plan: RequestPlan, category: str) -> None:
    if plan.channel in {"sms", "voice"}:
        plan.contact_phone = f"07700 900{rng.randint(0, 999):03d}"
        plan.wants_updates = rng.random() < 0.6
    if plan.channel == "open311":
        plan.latitude = round(CENTRE[0] + rng.uniform(-0.02, 0.02), 6)
        plan.longitude = round(CENTRE[1] + rng.uniform(-0.03, 0.03), 6)
        answers: dict[str, object] = {}
        for code, datatype, required, _text, values in SERVICE_ATTRIBUTES.get(category, []):
            if required and values:
                answers[code] = [values[0][0]] if datatype == "multivaluelist" else rng.choice(values)[0]
        plan.attributes = answers or None


def _request_plans(rng: random.Random, reference: datetime) -> list[RequestPlan]:
    # The fixed requests are the two most recent; generated ones predate them,
    # so numbers rise with the filing time as they do for real filings.
    midnight = reference.replace(hour=0, minute=0, second=0, microsecond=0)

    def days_ago_at(days: int, hour: int, minute: int) -> datetime:
        return midnight - timedelta(days=days) + timedelta(hours=hour, minutes=minute)

    pothole_moments = [days_ago_at(3, 8, 12), days_ago_at(3, 11, 40), days_ago_at(1, 10, 5)]
    light_moments = [days_ago_at(3, 19, 47), days_ago_at(2, 9, 15), days_ago_at(2, 16, 20), days_ago_at(1, 14, 30)]
    fixed = [
        RequestPlan(
            "SR-100231",
            "pothole",
            "Mill Lane outside no. 14",
            "Deep pothole in the road outside no. 14, cars are swerving into the other lane.",
            "webchat",
            None,
        ),
        RequestPlan(
            "SR-100232",
            "streetlight",
            "Quay Street by the ferry steps",
            "The street light by the ferry steps is out and the steps are dark.",
            "sms",
            "07700 900412",
            wants_updates=True,
        ),
    ]
    fixed[0].steps = [
        _request_step(rng, "pothole", action, moment, "roads", "webchat")
        for action, moment in zip(REQUEST_HISTORIES[S.IN_PROGRESS], [pothole_moments[0], *pothole_moments], strict=True)
    ]
    fixed[1].steps = [
        _request_step(rng, "streetlight", action, moment, "street_lighting", "sms")
        for action, moment in zip(REQUEST_HISTORIES[S.RESOLVED], [light_moments[0], *light_moments], strict=True)
    ]

    categories = [code for code, spec in SERVICES.items() if spec[2] is not None]
    generated = []
    for index, final_status in enumerate(GENERATED_REQUEST_STATUSES):
        category = categories[index % 7]
        actions = REQUEST_HISTORIES[final_status]
        latest = pothole_moments[0] - timedelta(
            hours=rng.randint(6, 24 * (3 if len(actions) < 4 else 20)), minutes=rng.randint(0, 59)
        )
        moments = [latest]
        for action in reversed(actions[2:]):
            # Resolved requests close after a week without the problem coming back.
            gap = rng.randint(96, 168) if action == W.CLOSED else rng.randint(3, 60)
            moments.insert(0, moments[0] - timedelta(hours=gap, minutes=rng.randint(0, 59)))
        plan = RequestPlan("", category, _location(rng), rng.choice(DESCRIPTIONS[category]), rng.choice(CHANNELS), None)
        _reporter(rng, plan, category)
        plan.steps = _history(rng, category, actions, moments, plan.channel)
        generated.append(plan)
    for category, final_status, days_late in OVERDUE_REQUESTS:
        level = SERVICES[category][2]
        assert level is not None
        target = subtract_working_days(reference.date(), days_late)
        filed_on = subtract_working_days(target, level)
        actions = REQUEST_HISTORIES[final_status]
        moments = [
            datetime.combine(filed_on, time(9 + index, rng.randint(0, 59)), tzinfo=UTC)
            for index in range(len(actions) - 1)
        ]
        plan = RequestPlan("", category, _location(rng), rng.choice(DESCRIPTIONS[category]), "webchat", None)
        plan.steps = _history(rng, category, actions, moments, plan.channel)
        generated.append(plan)
    for plan in generated:
        level = SERVICES[plan.category][2]
        assert level is not None
        _with_escalation(plan, add_working_days(plan.steps[0].occurred_at.date(), level), reference)
    generated.sort(key=lambda plan: plan.steps[0].occurred_at)
    first = LAST_GENERATED_REQUEST - len(generated) + 1
    for offset, plan in enumerate(generated):
        plan.number = f"SR-{first + offset}"
    return generated + fixed


@dataclass
class DemoPlan:
    applications: list[ApplicationPlan]
    requests: list[RequestPlan]


def build_demo_plan(reference_time: datetime) -> DemoPlan:
    """Every demo record, computed in memory; the same reference time gives the same plan."""
    rng = random.Random(RANDOM_SEED)
    fixed = _fixed_applications(rng, reference_time)
    taken = {plan.number for plan in fixed}
    return DemoPlan(fixed + _generated_applications(rng, reference_time, taken), _request_plans(rng, reference_time))


def _ensure_catalogue(session: Session) -> dict[str, Service]:
    departments = {d.code: d for d in session.scalars(select(Department))}
    for code, name in DEPARTMENTS.items():
        if code not in departments:
            departments[code] = Department(code=code, name=name)
            session.add(departments[code])
    services = {s.code: s for s in session.scalars(select(Service))}
    for code, (name, department, level, description) in SERVICES.items():
        if code not in services:
            kind = ServiceKind.APPLICATION if level is None else ServiceKind.SERVICE_REQUEST
            services[code] = Service(
                code=code,
                name=name,
                kind=kind.value,
                department=departments[department],
                service_level_days=level,
                description=description,
                keywords=SERVICE_KEYWORDS.get(code, ""),
                open311_type=(
                    Open311ServiceType.BATCH if code in OPEN311_BATCH_SERVICES else Open311ServiceType.REALTIME
                ).value,
            )
            session.add(services[code])
        known = {attribute.code for attribute in services[code].attributes}
        for position, (attribute, datatype, required, text, values) in enumerate(SERVICE_ATTRIBUTES.get(code, []), 1):
            if attribute in known:
                continue
            services[code].attributes.append(
                ServiceAttribute(
                    code=attribute,
                    datatype=datatype,
                    required=required,
                    variable=(code, attribute) not in INFORMATION_ONLY_ATTRIBUTES,
                    description=text,
                    datatype_description=None,
                    position=position,
                    values=[{"key": key, "name": label} for key, label in values] if values else None,
                )
            )
    session.flush()
    return services


def _request_record(
    plan: RequestPlan, category: Service, departments: dict[str, Department], client_id: int
) -> ServiceRequest:
    assert category.service_level_days is not None
    created_at = plan.steps[0].occurred_at
    request = ServiceRequest(
        request_number=plan.number,
        category=category,
        department=departments[plan.department],
        location=plan.location,
        description=plan.description,
        status=plan.steps[-1].status,
        channel=plan.channel,
        conversation_id=f"demo-{plan.number.lower()}" if plan.channel != "open311" else None,
        contact_phone=plan.contact_phone,
        wants_updates=plan.wants_updates,
        latitude=plan.latitude,
        longitude=plan.longitude,
        attributes=plan.attributes,
        open311_client_id=client_id if plan.channel == "open311" else None,
        created_at=created_at,
        updated_at=plan.steps[-1].occurred_at,
        target_date=add_working_days(created_at.date(), category.service_level_days),
        escalated_at=plan.escalated_at,
    )
    for step in plan.steps:
        fields = {name: value for name, value in vars(step).items() if name != "department"}
        event = ServiceRequestEvent(**fields, department=departments[step.department])
        request.events.append(event)
        if plan.wants_updates and plan.channel in NOTIFIED_REQUEST_CHANNELS and step.notify_citizen:
            _sent_back_then(event, plan.channel, asks_for_rating=step.action == W.RESOLVED)
    if plan.escalated_at is not None:
        escalation = next(step for step in plan.steps if step.action == W.ESCALATED)
        message = (
            f"{plan.number} ({category.name}, {departments[escalation.department].name}) was due by "
            f"{request.target_date.isoformat()} and is still {escalation.status.replace('_', ' ')}."
        )
        for audience, department in (
            (NotificationAudience.DEPARTMENT, departments[escalation.department]),
            (NotificationAudience.SUPERVISORS, None),
        ):
            request_notification = Notification(
                audience=audience.value,
                department=department,
                kind="overdue",
                message=message,
                created_at=plan.escalated_at,
            )
            request_notification.service_request = request
    return request


def _sent_back_then(
    step: ServiceRequestEvent | ApplicationEvent, channel: str, *, asks_for_rating: bool = False
) -> None:
    """The demo's history happened before the hotline started: its notifications went out at the time.

    Recorded as sent, so that the notification job does not text the demo's
    numbers on every start.
    """
    notification = CitizenNotification(
        channel=channel,
        status=NotificationStatus.SENT.value,
        asks_for_rating=asks_for_rating,
        rating_requested_at=step.occurred_at if asks_for_rating else None,
        attempts=1,
        created_at=step.occurred_at,
        sent_at=step.occurred_at,
    )
    if isinstance(step, ServiceRequestEvent):
        notification.service_request_event = step
    else:
        notification.application_event = step


def seed_demo(session: Session, *, reference_time: datetime | None = None) -> dict[str, int]:
    """Insert whatever demo records are missing; returns how many of each were added."""
    reference = (reference_time or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    plan = build_demo_plan(reference)
    services = _ensure_catalogue(session)
    departments = {d.code: d for d in session.scalars(select(Department))}
    client = ensure_demo_client(session=session, now=reference)
    added = {"applications": 0, "service_requests": 0}

    existing = set(session.scalars(select(Application.application_number)))
    for app_plan in plan.applications:
        if app_plan.number in existing:
            continue
        citizen = Citizen(
            full_name=app_plan.full_name,
            date_of_birth=app_plan.date_of_birth,
            phone=app_plan.phone,
            email=app_plan.email,
        )
        application = Application(
            application_number=app_plan.number,
            citizen=citizen,
            service=services[app_plan.service],
            status=app_plan.steps[-1].status,
            submitted_at=app_plan.steps[0].occurred_at,
            pin_hash=hash_pin(app_plan.pin),
            # Some applicants ticked "text me about progress" (no random draw: the rest stays as it was).
            wants_updates=app_plan.phone is not None and int(app_plan.number[-1]) % 2 == 0,
            events=[
                # Every change after submission is one the applicant hears about.
                ApplicationEvent(**vars(step), notify_citizen=index > 0)
                for index, step in enumerate(app_plan.steps)
            ],
        )
        if application.wants_updates:
            for event in application.events:
                if event.notify_citizen:
                    _sent_back_then(event, NotificationChannel.SMS.value)
        session.add(application)
        added["applications"] += 1

    existing = set(session.scalars(select(ServiceRequest.request_number)))
    for request_plan in plan.requests:
        if request_plan.number in existing:
            continue
        session.add(_request_record(request_plan, services[request_plan.category], departments, client.id))
        added["service_requests"] += 1
    session.commit()
    added["staff"] = seed_demo_staff(session)
    added["conversations"] = seed_demo_conversations(session, reference=reference)
    return added
