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
from app.demo_texts import (
    APPLICATION_NOUN,
    CASEWORKERS,
    DEPARTMENTS,
    DESCRIPTIONS,
    DOCUMENTS_ASKED,
    FIRST_NAMES,
    ISSUED_TEXT,
    LANDMARKS,
    REJECTION_STEPS,
    REQUEST_STEPS,
    SERVICES,
    STREETS,
    SURNAMES,
)
from app.models import (
    Application,
    ApplicationEvent,
    Citizen,
    Department,
    Service,
    ServiceRequest,
    ServiceRequestEvent,
)
from app.staff.demo import seed_demo_staff
from app.statuses import ApplicationStatus as A
from app.statuses import ServiceKind
from app.statuses import ServiceRequestStatus as S
from app.working_days import add_working_days

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
class RequestPlan:
    number: str
    category: str
    location: str
    description: str
    channel: str
    contact_phone: str | None
    steps: list[Step] = field(default_factory=list)


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


REQUEST_HISTORIES: dict[S, list[S]] = {
    S.RECEIVED: [S.RECEIVED],
    S.DISPATCHED: [S.RECEIVED, S.DISPATCHED],
    S.IN_PROGRESS: [S.RECEIVED, S.DISPATCHED, S.IN_PROGRESS],
    S.RESOLVED: [S.RECEIVED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED],
    S.CLOSED: [S.RECEIVED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED],
    S.REJECTED: [S.RECEIVED, S.REJECTED],
}
GENERATED_REQUEST_STATUSES = (
    [S.RECEIVED] * 3 + [S.DISPATCHED] * 4 + [S.IN_PROGRESS] * 5 + [S.RESOLVED] * 7 + [S.CLOSED] * 8 + [S.REJECTED] * 3
)
FIRST_GENERATED_REQUEST = 100_201
CHANNELS = ["webchat", "webchat", "sms", "voice"]


def _request_steps(
    rng: random.Random, category: str, statuses: list[S], moments: list[datetime], channel: str
) -> list[Step]:
    department = DEPARTMENTS[SERVICES[category][1]]
    steps = []
    for status, moment in zip(statuses, moments, strict=True):
        if status == S.RECEIVED:
            text, note, actor = "We received your report.", f"Filed through the {channel} channel.", "assistant"
        elif status == S.CLOSED:
            text, note, actor = "The request was closed after the work was checked.", None, department
        elif status == S.REJECTED:
            text, note, actor = rng.choice(REJECTION_STEPS), "Triage decision.", department
        else:
            text = REQUEST_STEPS[category][status]
            note, actor = f"Work order {department[:2].upper()}-{rng.randint(1000, 9999)}.", department
        steps.append(Step(status.value, text, note, actor, moment))
    return steps


def _location(rng: random.Random) -> str:
    street = rng.choice(STREETS)
    return rng.choice(
        [
            f"{street} outside no. {rng.randint(1, 120)}",
            f"{street} at the junction with {rng.choice([s for s in STREETS if s != street])}",
            f"{street}, opposite the {rng.choice(LANDMARKS)}",
        ]
    )


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
        ),
    ]
    fixed[0].steps = _request_steps(rng, "pothole", REQUEST_HISTORIES[S.IN_PROGRESS], pothole_moments, "webchat")
    fixed[1].steps = _request_steps(rng, "streetlight", REQUEST_HISTORIES[S.RESOLVED], light_moments, "sms")

    categories = [code for code, spec in SERVICES.items() if spec[2] is not None]
    generated = []
    for index, final_status in enumerate(GENERATED_REQUEST_STATUSES):
        # Fresh, untouched reports are the kinds with long service levels.
        category = rng.choice(["noise", "graffiti"]) if final_status == S.RECEIVED else categories[index % 7]
        statuses = REQUEST_HISTORIES[final_status]
        latest = pothole_moments[0] - timedelta(
            hours=rng.randint(6, 24 * (3 if len(statuses) < 3 else 20)), minutes=rng.randint(0, 59)
        )
        moments = [latest]
        for status in reversed(statuses[1:]):
            # Resolved requests close after a week without the problem coming back.
            gap = rng.randint(96, 168) if status == S.CLOSED else rng.randint(3, 60)
            moments.insert(0, moments[0] - timedelta(hours=gap, minutes=rng.randint(0, 59)))
        channel = rng.choice(CHANNELS)
        phone = f"07700 900{rng.randint(0, 999):03d}" if channel != "webchat" else None
        plan = RequestPlan("", category, _location(rng), rng.choice(DESCRIPTIONS[category]), channel, phone)
        plan.steps = _request_steps(rng, category, statuses, moments, channel)
        generated.append(plan)
    generated.sort(key=lambda plan: plan.steps[0].occurred_at)
    for offset, plan in enumerate(generated):
        plan.number = f"SR-{FIRST_GENERATED_REQUEST + offset}"
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
            )
            session.add(services[code])
    session.flush()
    return services


def seed_demo(session: Session, *, reference_time: datetime | None = None) -> dict[str, int]:
    """Insert whatever demo records are missing; returns how many of each were added."""
    reference = (reference_time or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    plan = build_demo_plan(reference)
    services = _ensure_catalogue(session)
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
        session.add(
            Application(
                application_number=app_plan.number,
                citizen=citizen,
                service=services[app_plan.service],
                status=app_plan.steps[-1].status,
                submitted_at=app_plan.steps[0].occurred_at,
                pin_hash=hash_pin(app_plan.pin),
                events=[ApplicationEvent(**vars(step)) for step in app_plan.steps],
            )
        )
        added["applications"] += 1

    existing = set(session.scalars(select(ServiceRequest.request_number)))
    for request_plan in plan.requests:
        if request_plan.number in existing:
            continue
        category = services[request_plan.category]
        assert category.service_level_days is not None
        created_at = request_plan.steps[0].occurred_at
        session.add(
            ServiceRequest(
                request_number=request_plan.number,
                category=category,
                department=category.department,
                location=request_plan.location,
                description=request_plan.description,
                status=request_plan.steps[-1].status,
                channel=request_plan.channel,
                conversation_id=f"demo-{request_plan.number.lower()}",
                contact_phone=request_plan.contact_phone,
                created_at=created_at,
                updated_at=request_plan.steps[-1].occurred_at,
                target_date=add_working_days(created_at.date(), category.service_level_days),
                events=[ServiceRequestEvent(**vars(step)) for step in request_plan.steps],
            )
        )
        added["service_requests"] += 1
    session.commit()
    added["staff"] = seed_demo_staff(session)
    return added
