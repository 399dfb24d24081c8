"""The names and numbers the demo plan draws from; every person and fact is invented."""

from dataclasses import dataclass

from cases.models import (
    ClosureReason,
    DestinationCountry,
    ExploitationForm,
    HowIdentified,
    Phase,
    RiskLevel,
    SessionKind,
    SessionSetting,
)
from organisations.models import OrganisationKind, Role
from referrals.models import Service, Status

SEED = 2026
YEARS_OF_HISTORY = 3

# ---------------------------------------------------------------------------------------------
# Organisations and logins


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    short_name: str
    kind: str
    province: str | None = None
    parent: str | None = None


MINISTRY = OrganisationKind.MINISTRY
DEPARTMENT = OrganisationKind.PROVINCIAL_DEPARTMENT

# Parents come before their departments: a department is created under an existing ministry.
ORGANISATIONS = [
    OrgSpec(
        "mosalvy",
        "Ministry of Social Affairs, Labour, Vocational Training and Youth Rehabilitation",
        "MOSALVY",
        MINISTRY,
    ),
    OrgSpec("mwva", "Ministry of Women's and Veterans' Affairs", "MWVA", MINISTRY),
    OrgSpec(
        "dosa-bmc",
        "Banteay Meanchey Department of Social Affairs",
        "DOSA-BMC",
        DEPARTMENT,
        "01",
        "mosalvy",
    ),
    OrgSpec(
        "dosa-btb",
        "Battambang Department of Social Affairs",
        "DOSA-BTB",
        DEPARTMENT,
        "02",
        "mosalvy",
    ),
    OrgSpec(
        "dowa-srp", "Siem Reap Department of Women's Affairs", "DOWA-SRP", DEPARTMENT, "17", "mwva"
    ),
    OrgSpec(
        "dowa-kkg", "Koh Kong Department of Women's Affairs", "DOWA-KKG", DEPARTMENT, "09", "mwva"
    ),
    OrgSpec(
        "iom",
        "International Organization for Migration, Cambodia",
        "IOM",
        OrganisationKind.INTERNATIONAL,
        "12",
    ),
    OrgSpec("shelter", "Kdei Sangkhum Recovery Centre", "KSRC", OrganisationKind.NGO, "02"),
    OrgSpec("legal-aid", "Yutthitham Legal Aid", "YTLA", OrganisationKind.NGO, "12"),
    OrgSpec("hiv-care", "Sokhapheap Thmey HIV Care", "STHC", OrganisationKind.NGO, "01"),
    OrgSpec("vocational", "Chumneanh Skills Centre", "CHSC", OrganisationKind.NGO, "17"),
]
NGO_SLUGS = [spec.slug for spec in ORGANISATIONS if spec.kind == OrganisationKind.NGO]


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    organisation: str
    first_name: str
    last_name: str


NGO_STAFF_ROLES = [
    ("worker", Role.SOCIAL_WORKER),
    ("worker2", Role.SOCIAL_WORKER),
    ("supervisor", Role.SUPERVISOR),
    ("admin", Role.ORG_ADMIN),
]
# Invented staff names, (given, family), in the order of NGO_SLUGS then NGO_STAFF_ROLES.
NGO_STAFF_NAMES = [
    ("Sreypich", "Chhim"),
    ("Leakhena", "Nget"),
    ("Sothea", "Tep"),
    ("Vibol", "Khiev"),
    ("Rotha", "Sar"),
    ("Kosal", "Nou"),
    ("Davy", "Chhun"),
    ("Borey", "Vong"),
    ("Pisey", "Ros"),
    ("Chantha", "Sim"),
    ("Navy", "Eng"),
    ("Makara", "Hor"),
    ("Sokunthea", "Pen"),
    ("Ratana", "Mok"),
    ("Monyrath", "Nuon"),
    ("Sovann", "Soeung"),
]


def demo_users() -> list[UserSpec]:
    names = iter(NGO_STAFF_NAMES)
    users = [
        UserSpec(f"{prefix}.{slug}", role, slug, *next(names))
        for slug in NGO_SLUGS
        for prefix, role in NGO_STAFF_ROLES
    ]
    users += [
        UserSpec("officer.mosalvy", Role.MINISTRY_OFFICER, "mosalvy", "Vichea", "Thach"),
        UserSpec("officer.mwva", Role.MINISTRY_OFFICER, "mwva", "Sopheak", "Khun"),
    ]
    return users


# ---------------------------------------------------------------------------------------------
# Survivors: names, places and the shape of the caseload (all weights are invented)

FAMILY_NAMES = [
    ("Sok", "សុខ"),
    ("Chan", "ចាន់"),
    ("Kim", "គីម"),
    ("Heng", "ហេង"),
    ("Meas", "មាស"),
    ("Chea", "ជា"),
    ("Keo", "កែវ"),
    ("Phan", "ផាន"),
    ("Sam", "សំ"),
    ("Ouk", "អ៊ុក"),
    ("Prak", "ប្រាក់"),
    ("Touch", "ទូច"),
    ("Seng", "សេង"),
    ("Pov", "ពៅ"),
    ("Lim", "លឹម"),
    ("Ly", "លី"),
    ("Yim", "យឹម"),
    ("Mao", "ម៉ៅ"),
    ("Nhem", "ញ៉ែម"),
    ("Long", "ឡុង"),
]
FEMALE_GIVEN_NAMES = [
    ("Sopheap", "សុភាព"),
    ("Bopha", "បុប្ផា"),
    ("Chenda", "ចិន្តា"),
    ("Kunthea", "គន្ធា"),
    ("Rachana", "រចនា"),
    ("Sokha", "សុខា"),
    ("Sophea", "សោភា"),
    ("Thida", "ធីតា"),
    ("Malis", "ម្លិះ"),
    ("Sreymom", "ស្រីមុំ"),
    ("Sreyneang", "ស្រីនាង"),
    ("Sreyleak", "ស្រីល័ក្ខ"),
    ("Channary", "ចន្នារី"),
    ("Phalla", "ផល្លា"),
    ("Mealea", "មាលា"),
    ("Srey Pov", "ស្រីពៅ"),
]
MALE_GIVEN_NAMES = [
    ("Dara", "ដារ៉ា"),
    ("Vanna", "វណ្ណា"),
    ("Piseth", "ពិសិដ្ឋ"),
    ("Vuthy", "វុទ្ធី"),
    ("Rithy", "រិទ្ធី"),
    ("Samnang", "សំណាង"),
    ("Visal", "វិសាល"),
    ("Sokhom", "សុខុម"),
    ("Bunthoeun", "ប៊ុនធឿន"),
]

# Border provinces and the poor rice-growing provinces most survivors come from.
ORIGIN_PROVINCE_WEIGHTS = {
    "01": 14,  # Banteay Meanchey (Poipet crossing)
    "02": 11,  # Battambang
    "17": 9,  # Siem Reap
    "14": 9,  # Prey Veng
    "20": 7,  # Svay Rieng
    "03": 7,  # Kampong Cham
    "21": 6,  # Takeo
    "12": 5,  # Phnom Penh
    "08": 5,  # Kandal
    "18": 4,  # Preah Sihanouk
    "06": 4,  # Kampong Thom
    "05": 4,  # Kampong Speu
    "09": 3,  # Koh Kong
    "22": 3,  # Oddar Meanchey
    "15": 3,  # Pursat
    "24": 2,  # Pailin
}
# An NGO mostly receives survivors from around its own office.
HOME_PROVINCE_BOOST = 3

CASES_PER_NGO = (46, 54)

# Most of a caseload is in the long middle of the path, not at its ends.
PHASE_WEIGHTS = {
    Phase.IDENTIFICATION: 5,
    Phase.INTAKE: 8,
    Phase.RECOVERY: 24,
    Phase.REINTEGRATION_PLANNING: 21,
    Phase.REINTEGRATED: 27,
    Phase.CLOSED: 15,
}
# How long ago (in days) a case in each phase was taken in: the path takes months to years.
INTAKE_DAYS_AGO = {
    Phase.IDENTIFICATION: (0, 10),
    Phase.INTAKE: (2, 45),
    Phase.RECOVERY: (15, 420),
    Phase.REINTEGRATION_PLANNING: (60, 640),
    Phase.REINTEGRATED: (150, 365 * YEARS_OF_HISTORY),
}


@dataclass(frozen=True)
class Closure:
    weight: int
    closed_from: tuple[str, ...]
    min_days_ago: int
    note: str


CLOSURES = {
    ClosureReason.REINTEGRATION_COMPLETED: Closure(
        55,
        (Phase.REINTEGRATED,),
        450,
        "Follow-up complete: safe at home, earning, accepted in the village.",
    ),
    ClosureReason.LOST_CONTACT: Closure(
        12,
        (Phase.RECOVERY, Phase.REINTEGRATED),
        120,
        "No answer to calls or home visits for three months.",
    ),
    ClosureReason.DECLINED_SERVICES: Closure(
        10,
        (Phase.INTAKE, Phase.RECOVERY),
        90,
        "Chose to stop services after counselling; welcome to come back at any time.",
    ),
    ClosureReason.TRANSFERRED: Closure(
        9,
        (Phase.RECOVERY, Phase.REINTEGRATION_PLANNING),
        90,
        "Transferred to an organisation nearer the family; file handed over.",
    ),
    ClosureReason.MOVED_AWAY: Closure(
        8, (Phase.REINTEGRATED,), 200, "Moved with the family to work in another province."
    ),
    ClosureReason.DECEASED: Closure(
        1, (Phase.REINTEGRATED,), 300, "Died of illness; the family was informed and supported."
    ),
    ClosureReason.OTHER: Closure(
        5,
        (Phase.IDENTIFICATION,),
        30,
        "Assessment found no trafficking; referred to commune social services.",
    ),
}
SETBACK_NOTE = "Family assessment found the home unsafe for now; recovery continues."
REOPEN_NOTE = "Came back asking for help after a new job offer went wrong."
REOPENED_SHARE = 0.05
START_AT_IDENTIFICATION_SHARE = 0.4
SKIP_RECOVERY_SHARE = 0.15
SETBACK_SHARE = 0.1

FEMALE_EXPLOITATION = {
    ExploitationForm.SEXUAL: 46,
    ExploitationForm.FORCED_LABOUR: 21,
    ExploitationForm.DOMESTIC_SERVITUDE: 15,
    ExploitationForm.FORCED_MARRIAGE: 8,
    ExploitationForm.BEGGING: 6,
    ExploitationForm.OTHER: 4,
}
MALE_EXPLOITATION = {
    ExploitationForm.FORCED_LABOUR: 70,
    ExploitationForm.BEGGING: 20,
    ExploitationForm.OTHER: 10,
}
# Share of children among survivors of each form; about 40% overall.
MINOR_SHARE = {
    ExploitationForm.SEXUAL: 0.45,
    ExploitationForm.FORCED_LABOUR: 0.27,
    ExploitationForm.DOMESTIC_SERVITUDE: 0.45,
    ExploitationForm.BEGGING: 0.9,
    ExploitationForm.FORCED_MARRIAGE: 0.2,
    ExploitationForm.FORCED_CRIMINALITY: 0.05,
    ExploitationForm.OTHER: 0.3,
}
# Some survivors suffered a second form as well (forced labour, then sold into a brothel).
SECOND_FORM_SHARE = 0.12
# Survivors of other nationalities, held in scam compounds in Cambodia and freed in raids:
# nationality, the language they speak, names (women's, men's).
FOREIGN_NATIONAL_SHARE = 0.08
FOREIGN_NATIONALS = {
    "ID": (35, "id", ("Siti Rahayu", "Dewi Lestari"), ("Agus Santoso", "Budi Hartono")),
    "VN": (20, "vi", ("Nguyen Thi Lan", "Pham Thu Ha"), ("Tran Van Minh", "Le Quoc Bao")),
    "CN": (15, "zh", ("Li Na", "Zhang Min"), ("Wang Lei", "Chen Jie")),
    "PH": (12, "tl", ("Maria Santos", "Ana Dela Cruz"), ("Jose Reyes", "Mark Bautista")),
    "TH": (8, "th", ("Malee Srisuk", "Siriporn Kaewta"), ("Somchai Wongsakul", "Anan Boonmee")),
    "KE": (5, "sw", ("Wanjiru Kamau", "Akinyi Odhiambo"), ("Otieno Ochieng", "Kiprop Rotich")),
    "MY": (5, "ms", ("Nur Aisyah", "Siti Hajar"), ("Ahmad Faiz", "Muhammad Hafiz")),
}
# Where compounds held them: Preah Sihanouk, Koh Kong, Banteay Meanchey (Poipet).
COMPOUND_PROVINCES = {"18": 60, "09": 25, "01": 15}
CROSS_BORDER_SHARE = 0.48
DESTINATIONS = {
    DestinationCountry.THAILAND: 62,
    DestinationCountry.MALAYSIA: 20,
    DestinationCountry.VIETNAM: 12,
    DestinationCountry.CHINA: 6,
}
# Brokers take Cambodian women across the border to be married, above all to China.
FORCED_MARRIAGE_DESTINATIONS = {DestinationCountry.CHINA: 90, DestinationCountry.VIETNAM: 10}
IDENTIFIED_CROSS_BORDER = {
    HowIdentified.CROSS_BORDER_RETURN: 70,
    HowIdentified.POLICE_RAID: 15,
    HowIdentified.HOTLINE: 15,
}
IDENTIFIED_INTERNAL = {
    HowIdentified.POLICE_RAID: 35,
    HowIdentified.OUTREACH: 20,
    HowIdentified.HOTLINE: 15,
    HowIdentified.COMMUNITY: 15,
    HowIdentified.SELF_REFERRAL: 10,
    HowIdentified.OTHER: 5,
}
RISK_LEVELS = {RiskLevel.LOW: 30, RiskLevel.MEDIUM: 50, RiskLevel.HIGH: 20}
ESTIMATED_BIRTH_DATE_SHARE = 0.3

GUARDIANS = {"mother": 55, "father": 15, "grandmother": 15, "aunt": 10, "older sister": 5}
# Children take their father's family name; a mother keeps her own.
SHARES_FAMILY_NAME = {"father", "older sister"}
FAMILY_CONTACTS = [
    "{relative}, {name}, lives in the village of origin.",
    "{relative}, {name}; reached through the village chief.",
    "{relative}, {name}, works in Phnom Penh and visits at Khmer New Year.",
    "{relative}, {name}; the commune council member knows the family.",
]

HEALTH_NOTES = [
    "Treated for malnutrition and scabies on arrival; recovered.",
    "Back pain from long hours of work; physiotherapy twice a month.",
    "Anxiety and nightmares; seen by the provincial hospital's mental health team.",
    "Headaches and poor appetite in the first weeks; improving.",
    "Pregnant at intake; antenatal care at the health centre.",
]
HIV_POSITIVE_NOTE = "On antiretroviral treatment at the referral hospital; adherence good."
LEGAL_DETAILS = [
    "Complaint filed with the provincial anti-trafficking police; the broker was arrested.",
    "Trial at the provincial court pending; willing to testify with a support person.",
    "Civil claim for compensation lodged with the criminal complaint.",
    "Chose not to file a complaint for now; options explained again at each review.",
]

SESSION_COUNTS = {
    Phase.IDENTIFICATION: (0, 0),
    Phase.INTAKE: (0, 2),
    Phase.RECOVERY: (1, 6),
    Phase.REINTEGRATION_PLANNING: (2, 7),
    Phase.REINTEGRATED: (3, 8),
}
KINDS_BEFORE_RETURN = {
    SessionKind.INDIVIDUAL: 55,
    SessionKind.GROUP: 20,
    SessionKind.FAMILY: 15,
    SessionKind.PEER: 10,
}
KINDS_AFTER_RETURN = {
    SessionKind.INDIVIDUAL: 55,
    SessionKind.FAMILY: 35,
    SessionKind.PEER: 5,
    SessionKind.GROUP: 5,
}
SETTINGS_BEFORE_RETURN = {
    SessionSetting.SHELTER: 60,
    SessionSetting.OFFICE: 30,
    SessionSetting.PHONE: 10,
}
SETTINGS_AFTER_RETURN = {
    SessionSetting.HOME_VISIT: 60,
    SessionSetting.PHONE: 25,
    SessionSetting.OFFICE: 15,
}
TOPICS_BEFORE_RETURN = [
    "trauma, sleep",
    "safety in the shelter, trust",
    "feelings about the rescue, shame",
    "self-esteem, anger",
    "health worries, HIV test result",
    "family relations, return planning",
    "vocational interests, savings",
    "legal case, fear of testifying",
    "grief, missing younger siblings",
    "literacy class, going back to school",
    "debt to the broker, family pressure",
]
TOPICS_AFTER_RETURN = [
    "community acceptance, gossip",
    "income, savings group",
    "work at the garment factory, debt",
    "job offers abroad, safe migration",
    "school attendance, friends",
    "small business, market stall",
    "relationship with husband, safety at home",
    "health, clinic appointments",
    "family relations, conflict over money",
]
SESSION_NOTES = [
    "Nightmares less frequent since starting breathing exercises.",
    "Cried when speaking about the journey; agreed to continue next week.",
    "Wants to learn tailoring; asked about the course in the provincial town.",
    "Worried that neighbours know; practised what to answer.",
    "Mother visited the centre; the meeting went calmly.",
    "Saving a little each week with the village savings group.",
    "Broker's relatives came to the house twice; safety plan reviewed.",
    "Sleeping and eating well; wants to go back to school.",
    "Angry about the court delay; next steps explained.",
    "Quiet in the group but stayed to the end.",
    "Village chief and monk agreed to visit the family before the return.",
    "Earning from a small grocery stall; debt to the moneylender reduced.",
    "Asked about a job offer in Thailand; discussed safe migration.",
    "Headaches continue; appointment made at the health centre.",
]
PHONE_MINUTES = (20, 45)
SESSION_MINUTES = {
    SessionKind.INDIVIDUAL: (45, 90),
    SessionKind.FAMILY: (60, 120),
    SessionKind.GROUP: (60, 120),
    SessionKind.PEER: (45, 90),
}
NEXT_SESSION_AFTER_DAYS = [7, 14, 30]

SHARING_SHARE = 0.45
HANDOVER_SHARE = 0.1

# ---------------------------------------------------------------------------------------------
# When things happen in a case

# The working day in Phnom Penh, from and to the hour: what a worker records falls in it.
OFFICE_HOURS = (8, 16)
# Days between phases a survivor moves through at once: someone identified is taken in within
# a day, and someone taken in goes to a shelter within two weeks.
QUICK_MOVE_DAYS = {
    (Phase.IDENTIFICATION, Phase.INTAKE): (0, 1),
    (Phase.INTAKE, Phase.RECOVERY): (1, 14),
}
# Planning for the return starts at least this many days before it.
PLANNING_BEFORE_RETURN_DAYS = 14
# A plan is submitted, and decided on, in the last weeks of its planning.
PLAN_DECIDED_WITHIN_DAYS = 30
# A case is closed some days to months after its last counselling session or referral.
CLOSED_AFTER_DAYS = (7, 90)

# ---------------------------------------------------------------------------------------------
# Referrals between the organisations

# Who provides each service among the demo organisations.
SERVICE_PROVIDERS = {
    Service.SHELTER: "shelter",
    Service.PSYCHOSOCIAL: "shelter",
    Service.LEGAL_AID: "legal-aid",
    Service.HIV_CARE: "hiv-care",
    Service.VOCATIONAL_TRAINING: "vocational",
    Service.INCOME_GENERATION: "vocational",
    Service.FAMILY_TRACING: "mosalvy",
    Service.COMMUNITY_SUPPORT: "mwva",
    Service.REPATRIATION: "iom",
}
# What a survivor is referred for, by the phase the case is in.
SERVICES_BY_PHASE = {
    Phase.INTAKE: {Service.SHELTER: 3, Service.PSYCHOSOCIAL: 2, Service.LEGAL_AID: 1},
    Phase.RECOVERY: {
        Service.PSYCHOSOCIAL: 3,
        Service.SHELTER: 2,
        Service.LEGAL_AID: 2,
        Service.VOCATIONAL_TRAINING: 1,
    },
    Phase.REINTEGRATION_PLANNING: {
        Service.FAMILY_TRACING: 3,
        Service.VOCATIONAL_TRAINING: 3,
        Service.LEGAL_AID: 1,
        Service.PSYCHOSOCIAL: 1,
    },
    Phase.REINTEGRATED: {
        Service.INCOME_GENERATION: 3,
        Service.COMMUNITY_SUPPORT: 2,
        Service.VOCATIONAL_TRAINING: 2,
        Service.LEGAL_AID: 1,
    },
}
# A survivor living with HIV is referred for care above all; one with a legal case to a lawyer.
HIV_POSITIVE_CARE_WEIGHT = 8
HIV_TESTING_WEIGHT = 1
LEGAL_CASE_EXTRA_WEIGHT = 3
# Services given once the survivor is home.
AFTER_RETURN_SERVICES = {Service.INCOME_GENERATION, Service.COMMUNITY_SUPPORT}
# Services for survivors who have a home in Cambodia to go back to, and for those who do not.
HOME_SERVICES = {Service.FAMILY_TRACING, Service.COMMUNITY_SUPPORT}
REPATRIATION_PHASES = {Phase.INTAKE, Phase.RECOVERY, Phase.REINTEGRATION_PLANNING}

# Share of the cases past intake referred before the last weeks, and of those, twice.
REFERRED_SHARE = 0.3
SECOND_REFERRAL_SHARE = 0.2
# Referrals sent in the last two weeks wait for an answer: a few in every inbox.
WAITING_DAYS = 14
WAITING_PER_INBOX = (2, 3)
# Days after intake before a survivor is referred on: the assessment comes first.
REFERRED_AFTER_INTAKE_DAYS = 2
ANSWER_AFTER_DAYS = (0, 9)
STARTED_AFTER_DAYS = (0, 7)
SERVICE_DAYS = (20, 150)
# A closed case was referred before it was closed: before its counselling ended.
CLOSED_CASE_REFERRED_BEFORE = 0.8
ANSWERS = {
    Status.ACCEPTED: 35,
    Status.IN_PROGRESS: 20,
    Status.COMPLETED: 20,
    Status.DECLINED: 25,
}
CLOSED_CASE_ANSWERS = {Status.COMPLETED: 70, Status.DECLINED: 30}
URGENT_SERVICES = {Service.SHELTER, Service.HIV_CARE, Service.REPATRIATION}
URGENT_SHARE = 0.1
CHILD_ASSENT_SHARE = 0.95

REFERRAL_REASONS = {
    Service.SHELTER: [
        "Cannot stay with the family yet; needs a safe place while the family is assessed.",
        "The broker's relatives know where the survivor lives; needs a safe place now.",
    ],
    Service.PSYCHOSOCIAL: [
        "Nightmares and anxiety since the rescue; needs regular counselling.",
        "Withdrawn and eating little; our team has no counsellor free for weekly sessions.",
    ],
    Service.LEGAL_AID: [
        "Wants to file a complaint against the broker and needs a lawyer.",
        "Called as a witness at the provincial court; needs a lawyer and someone to go to "
        "the hearings with the survivor.",
    ],
    Service.VOCATIONAL_TRAINING: [
        "Wants to learn a trade (sewing, hairdressing or motorbike repair) to earn near home.",
    ],
    Service.INCOME_GENERATION: [
        "Back home and out of work; needs a small business grant and coaching.",
    ],
    Service.FAMILY_TRACING: [
        "Needs the family traced and assessed in the home commune before the return.",
    ],
    Service.COMMUNITY_SUPPORT: [
        "Back in the village; needs the commune's support to stay safe and accepted.",
    ],
    Service.REPATRIATION: [
        "Freed from a scam compound; wants to go home and needs travel documents through "
        "the embassy.",
    ],
}
HIV_TREATMENT_REASON = (
    "Living with HIV; needs antiretroviral treatment and adherence support near home."
)
HIV_TESTING_REASON = (
    "Asks for voluntary HIV counselling and testing, and support whatever the result."
)
DECLINE_REASONS = {
    "shelter": "No bed free this month; the provincial transit centre has places. Refer again "
    "if it is full.",
    "legal-aid": "Our lawyers are fully booked until next quarter; the Bar Association's legal "
    "aid office can take the complaint.",
    "hiv-care": "Lives outside our outreach area; the ART clinic at the provincial referral "
    "hospital is closer to home.",
    "vocational": "The course starting this month is full; refer again for the next intake in "
    "three months.",
    "mosalvy": "Family tracing in this province is done by the provincial Department of Social "
    "Affairs; please refer the case there.",
    "mwva": "The commune's women and children focal point will visit instead; no ministry "
    "service is needed.",
}
OUTCOMES = {
    Service.SHELTER: "Stayed six weeks in the centre; went home after the family assessment.",
    Service.PSYCHOSOCIAL: "Ten counselling sessions; sleeping better and ready to plan the return.",
    Service.LEGAL_AID: "A lawyer went to every hearing with the survivor; the broker was "
    "convicted and compensation ordered.",
    Service.HIV_CARE: "Enrolled at the ART clinic; viral load undetectable at the six-month check.",
    Service.VOCATIONAL_TRAINING: "Finished the three-month sewing course; placed at a tailor's "
    "shop in the district town.",
    Service.INCOME_GENERATION: "Grant and coaching for a grocery stall; earning about 15,000 "
    "riel a day.",
    Service.FAMILY_TRACING: "Family found and visited; the assessment recommends return with "
    "monthly visits.",
    Service.COMMUNITY_SUPPORT: "Linked to the commune's women and children focal point and the "
    "village savings group.",
}
