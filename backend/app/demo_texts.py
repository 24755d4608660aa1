"""Northbridge's demo vocabulary: catalogue, streets, names and the wording of case steps."""

from app.statuses import ServiceRequestStatus as S

DEPARTMENTS = {
    "roads": "Roads",
    "street_lighting": "Street Lighting",
    "waste": "Waste & Recycling",
    "environmental_health": "Environmental Health",
    "parks": "Parks & Cleansing",
    "water": "Water",
    "licensing": "Licensing",
    "immigration": "Immigration Services",
    "planning": "Planning & Building Control",
    "housing": "Housing",
}

# code: (name, department, service level in working days or None, description)
SERVICES: dict[str, tuple[str, str, int | None, str]] = {
    "business_licence": (
        "Business licence",
        "licensing",
        None,
        "Licence to trade from premises in Northbridge (shops, food, street trading).",
    ),
    "residence_permit": (
        "Residence permit",
        "immigration",
        None,
        "First issue and renewal of residence permits for Northbridge residents.",
    ),
    "building_permit": (
        "Building permit",
        "planning",
        None,
        "Permission for new buildings, extensions and structural alterations.",
    ),
    "housing_benefit": ("Housing benefit", "housing", None, "Help with rent for residents on a low income."),
    "parking_permit": (
        "Residents' parking permit",
        "roads",
        None,
        "Permit to park in a residents' parking zone near your home.",
    ),
    "pothole": ("Pothole or damaged road", "roads", 5, "Potholes, sunken covers and broken road or pavement surfaces."),
    "streetlight": (
        "Street light not working",
        "street_lighting",
        2,
        "Street lights that are out, flickering or on during the day.",
    ),
    "missed_collection": (
        "Missed bin collection",
        "waste",
        2,
        "Household waste or recycling that was not collected on the scheduled day.",
    ),
    "noise": (
        "Noise complaint",
        "environmental_health",
        10,
        "Persistent noise from homes, businesses or building sites.",
    ),
    "graffiti": ("Graffiti", "parks", 10, "Graffiti on public buildings, walls, benches and signs."),
    "dumped_rubbish": ("Dumped rubbish", "parks", 3, "Fly-tipping and rubbish left on streets or in parks."),
    "water_leak": ("Water leak", "water", 1, "Leaking mains, hydrants or burst pipes in the street."),
}

APPLICATION_NOUN = {
    "business_licence": "a business licence",
    "residence_permit": "a residence permit",
    "building_permit": "a building permit",
    "housing_benefit": "housing benefit",
    "parking_permit": "a residents' parking permit",
}
DOCUMENTS_ASKED = {
    "business_licence": "a copy of your premises lease and the fire safety certificate",
    "residence_permit": "proof of your address and a recent passport photo",
    "building_permit": "the structural engineer's calculations",
    "housing_benefit": "your last three payslips and your tenancy agreement",
    "parking_permit": "the vehicle registration certificate",
}
ISSUED_TEXT = {
    "business_licence": "Your business licence was issued and sent to you by post.",
    "residence_permit": "Your residence permit card is ready to collect at the citizen service centre.",
    "building_permit": "Your building permit was issued. Work may start once you have notified the inspector.",
    "housing_benefit": "Your first housing benefit payment was made.",
    "parking_permit": "Your parking permit was issued and sent to you by post.",
}
CASEWORKERS = ["R. Okafor", "J. Patel", "S. Lindqvist", "M. Brennan", "A. Nowak", "E. Castillo"]

REQUEST_STEPS: dict[str, dict[S, str]] = {
    "pothole": {
        S.ACCEPTED: "A road crew is scheduled to inspect and repair the pothole.",
        S.IN_PROGRESS: "The crew has made the pothole safe and the permanent repair is under way.",
        S.RESOLVED: "The pothole was filled and the road surface repaired.",
    },
    "streetlight": {
        S.ACCEPTED: "A street lighting electrician is scheduled to visit.",
        S.IN_PROGRESS: "The electrician found a faulty lamp unit and has ordered a replacement.",
        S.RESOLVED: "The street light was repaired and is working again.",
    },
    "missed_collection": {
        S.ACCEPTED: "A collection crew is scheduled to come back for the bins.",
        S.IN_PROGRESS: "The crew is on the round that includes your street.",
        S.RESOLVED: "The missed bins were collected.",
    },
    "noise": {
        S.ACCEPTED: "An environmental health officer has been assigned to your report.",
        S.IN_PROGRESS: "The officer has written to the address and is monitoring the noise.",
        S.RESOLVED: "The officer agreed quieter working hours with the people responsible.",
    },
    "graffiti": {
        S.ACCEPTED: "A cleansing crew is scheduled to remove the graffiti.",
        S.IN_PROGRESS: "The crew has started removing the graffiti.",
        S.RESOLVED: "The graffiti was removed.",
    },
    "dumped_rubbish": {
        S.ACCEPTED: "A cleansing crew is scheduled to clear the rubbish.",
        S.IN_PROGRESS: "The crew is clearing the rubbish and checking it for evidence of who left it.",
        S.RESOLVED: "The rubbish was cleared.",
    },
    "water_leak": {
        S.ACCEPTED: "A water engineer is on the way.",
        S.IN_PROGRESS: "The engineer has isolated the leak and is repairing the pipe.",
        S.RESOLVED: "The leak was repaired and the water supply checked.",
    },
}
REASSIGNMENTS = {
    # category: (department it is wrongly sent to first, why it was passed on)
    "dumped_rubbish": ("roads", "Fly-tipping on verges is cleared by Parks & Cleansing, not Roads."),
    "pothole": ("parks", "The path is an adopted footway: Roads repairs it."),
}
PROGRESS_NOTES_FOR_STAFF = [
    "Crew booked; materials on the van.",
    "Site visited; needs a second visit with the larger machine.",
    "Contractor confirmed the slot by phone.",
]
REJECTION_STEPS = [
    "This was already reported, so we added your report to the existing request.",
    "The location is on private land; we have written to the landowner.",
    "We could not find the problem at the location given. Please report it again with more detail.",
]
DESCRIPTIONS = {
    "pothole": [
        "Deep pothole in the cycle lane, about 30 cm across.",
        "Several potholes after the roadworks, cars swerving round them.",
        "Sunken drain cover, loud bang every time a bus goes over it.",
    ],
    "streetlight": [
        "Street light has been out for three nights, the path is very dark.",
        "Lamp flickers on and off all night.",
        "Light stays on all day.",
    ],
    "missed_collection": [
        "Recycling bins on the whole street were not emptied on Tuesday.",
        "Our green bin was missed again this week.",
        "General waste not collected, bags are piling up.",
    ],
    "noise": [
        "Loud music from the flat above every night after midnight.",
        "Building site starts drilling before 7 in the morning.",
        "Extractor fan of the takeaway hums all night.",
    ],
    "graffiti": [
        "Large graffiti tag on the wall of the library.",
        "Offensive graffiti on the bus shelter.",
        "Graffiti sprayed over the park sign.",
    ],
    "dumped_rubbish": [
        "Old mattress and a sofa dumped by the recycling point.",
        "Bags of garden waste dumped in the lane behind the shops.",
        "Building rubble left on the verge.",
    ],
    "water_leak": [
        "Water bubbling up through the pavement.",
        "Hydrant leaking steadily into the gutter.",
        "Burst pipe, water running down the street.",
    ],
}
STREETS = [
    "Mill Lane",
    "Quay Street",
    "Harbour Road",
    "Station Approach",
    "Castle Hill",
    "Tanner's Row",
    "Ropewalk",
    "Elm Grove",
    "Fisher Street",
    "Abbey Road",
    "Chapel Walk",
    "Bridge End",
    "Northgate",
    "Orchard Close",
    "Market Square",
    "Saltmarsh Road",
    "Weaver's Yard",
    "Lindum Terrace",
]
LANDMARKS = [
    "library",
    "primary school",
    "bus station",
    "Co-op",
    "health centre",
    "war memorial",
    "ferry terminal",
    "leisure centre",
]
FIRST_NAMES = [
    "Olivia",
    "Noah",
    "Amelia",
    "Mohammed",
    "Isla",
    "Leo",
    "Ava",
    "Oscar",
    "Zainab",
    "Arthur",
    "Freya",
    "Kwame",
    "Priya",
    "Jack",
    "Mei",
    "Tomasz",
    "Grace",
    "Ibrahim",
    "Ruth",
    "Daniel",
]
SURNAMES = [
    "Smith",
    "Khan",
    "Jones",
    "Nowak",
    "Taylor",
    "Okoye",
    "Brown",
    "Singh",
    "Wilson",
    "Evans",
    "Murphy",
    "Chen",
    "Hughes",
    "Ahmed",
    "Walsh",
    "Kowalski",
    "Roberts",
    "Mensah",
    "Clarke",
    "Hall",
]

SERVICE_KEYWORDS = {
    "pothole": "pothole, road, pavement, drain cover, sunken, crack",
    "streetlight": "street light, lamp, lamppost, dark, flickering",
    "missed_collection": "bin, bins, rubbish collection, recycling, missed",
    "noise": "noise, music, drilling, loud, neighbours",
    "graffiti": "graffiti, tag, spray paint, vandalism",
    "dumped_rubbish": "fly-tipping, dumped, mattress, rubble, litter",
    "water_leak": "water, leak, burst pipe, hydrant, flooding",
}
# Attributes that only inform the reporter and take no answer (Open311 variable=false).
INFORMATION_ONLY_ATTRIBUTES = {("water_leak", "safety_note")}
# Noise complaints are screened by Environmental Health before a number is
# given out, so Open311 clients get a token first (GeoReport v2 "batch").
OPEN311_BATCH_SERVICES = {"noise"}

# code: [(attribute code, datatype, required, description, [(key, name)] or None)]
SERVICE_ATTRIBUTES: dict[str, list[tuple[str, str, bool, str, list[tuple[str, str]] | None]]] = {
    "pothole": [
        (
            "size",
            "singlevaluelist",
            True,
            "How big is the pothole?",
            [("small", "Smaller than a dinner plate"), ("medium", "Up to a car tyre"), ("large", "Bigger than a tyre")],
        ),
        ("in_cycle_lane", "singlevaluelist", False, "Is it in a cycle lane?", [("yes", "Yes"), ("no", "No")]),
    ],
    "streetlight": [
        ("pole_number", "string", False, "The number on the lamppost, if you can see one.", None),
        (
            "fault",
            "singlevaluelist",
            True,
            "What is wrong with the light?",
            [("out", "It is out"), ("flickering", "It flickers"), ("day_burning", "It is on during the day")],
        ),
    ],
    "missed_collection": [
        (
            "bins",
            "multivaluelist",
            True,
            "Which bins were missed?",
            [("general", "General waste"), ("recycling", "Recycling"), ("garden", "Garden waste")],
        ),
        ("collection_day", "datetime", False, "When should they have been collected?", None),
    ],
    "noise": [
        (
            "source",
            "singlevaluelist",
            True,
            "Where does the noise come from?",
            [("home", "A home"), ("business", "A business"), ("building_site", "A building site")],
        ),
        ("nights_per_week", "number", False, "On how many nights a week does it happen?", None),
    ],
    "dumped_rubbish": [
        ("items", "text", False, "What was dumped? List the larger items.", None),
    ],
    "water_leak": [
        (
            "safety_note",
            "string",
            False,
            "If water is flooding a road or a building, also call the water emergency line.",
            None,
        ),
    ],
}
