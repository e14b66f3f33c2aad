"""Northwind Cloud, the fictional client: its calendar, products, teams, agents and customers.

Everything here is fixed data or drawn once from the seed, so that the ticket,
message and survey generators agree on who is who.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPANY = "Northwind Cloud"
TIME_ZONE = "Europe/London"
START = pd.Timestamp("2025-10-01")  # first day (local time)
END = pd.Timestamp("2026-10-01")  # exclusive; the export is taken at this moment (local time)
SUPPORT_EMAIL = "support@northwind.cloud"

# Business hours used for the Zendesk "within business hours" metrics and for off-hours waiting.
BUSINESS_OPEN_MINUTE = 8 * 60
BUSINESS_CLOSE_MINUTE = 18 * 60
# England and Wales bank holidays in the period.
HOLIDAYS = np.array(["2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
                     "2026-05-25", "2026-08-31"], dtype="datetime64[D]")

# First-reply SLA targets in calendar minutes, by priority.
SLA_FIRST_REPLY_MINUTES = {"urgent": 60, "high": 240, "normal": 480, "low": 1440}

PRODUCTS = ("Billing", "File Sync", "Mobile App", "Reports", "API", "Account & Login")
PRODUCT_WEIGHTS = (0.22, 0.2, 0.15, 0.15, 0.1, 0.18)

CHANNELS = ("email", "chat", "web", "phone")
CHANNEL_WEIGHTS = (0.4, 0.25, 0.25, 0.1)
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_WEIGHTS = (0.2, 0.56, 0.19, 0.05)

WATERMELON_TEAM = "Rapid Response"


@dataclass(frozen=True)
class Team:
    """A support team: how fast it replies, how much back-and-forth and how many reopens it has."""

    name: str
    agents: tuple[str, ...]
    reply_speed: float  # multiplies the typical first-reply time (lower is faster)
    rounds: float  # mean extra agent/customer rounds before a solve
    reopen_rate: float  # chance a normal solve is reopened
    too_quick_rate: float  # chance a ticket is closed far too quickly
    experience: float  # added to the customer's latent satisfaction (1-5 scale)


TEAMS = (
    Team("Frontline", ("Amara Okafor", "Ben Carter", "Chloe Dupont", "Daniel Reyes", "Ella Novak", "Finn Walsh"),
         1.0, 0.7, 0.06, 0.02, 0.0),
    Team(WATERMELON_TEAM, ("Grace Lin", "Harry Patel", "Isla Murphy", "Jonas Berg", "Kara Singh"),
         0.12, 1.9, 0.2, 0.12, -0.55),
    Team("Billing Desk", ("Liam O'Brien", "Maya Fischer", "Noah Schmidt", "Olivia Brooks"),
         1.15, 0.6, 0.05, 0.02, 0.1),
    Team("Technical Support", ("Priya Nair", "Quentin Moreau", "Rosa Alvarez", "Sam Whitfield", "Tomas Novak"),
         1.35, 0.9, 0.05, 0.01, 0.15),
    Team("Enterprise Success", ("Uma Rahman", "Victor Hale", "Wendy Zhou"),
         0.8, 0.6, 0.04, 0.01, 0.25),
    Team("Mobile Squad", ("Xavier Costa", "Yara Haddad", "Zoe Marsh", "Adam Kowalski"),
         1.05, 0.8, 0.07, 0.02, 0.05),
)
TEAM_NAMES = tuple(t.name for t in TEAMS)

# Share of each product's tickets routed to each team (rows: PRODUCTS, columns: TEAMS).
ROUTING = np.array([
    # Front  Rapid  Billing Tech  Enterp Mobile
    [0.20, 0.17, 0.50, 0.03, 0.10, 0.00],  # Billing
    [0.30, 0.17, 0.00, 0.43, 0.10, 0.00],  # File Sync
    [0.18, 0.17, 0.00, 0.10, 0.05, 0.50],  # Mobile App
    [0.33, 0.17, 0.00, 0.40, 0.10, 0.00],  # Reports
    [0.10, 0.15, 0.00, 0.60, 0.15, 0.00],  # API
    [0.55, 0.18, 0.00, 0.17, 0.10, 0.00],  # Account & Login
])

# Agents whose resolution replies hedge ("should be fixed now", "looks like", "I think", "hopefully")
# and agents who state outcomes with certainty ("is now fixed"). Everyone else mixes.
HEDGING_AGENTS = ("Harry Patel", "Chloe Dupont", "Quentin Moreau")
CERTAIN_AGENTS = ("Priya Nair", "Uma Rahman", "Maya Fischer")
HEDGE_RATE = {"hedging": 0.8, "certain": 0.03, "mixed": 0.2}

PLANS = ("Starter", "Business", "Enterprise")
PLAN_WEIGHTS = (0.5, 0.37, 0.13)
REGIONS = ("UK & Ireland", "Europe", "North America", "APAC")
REGION_WEIGHTS = (0.42, 0.28, 0.2, 0.1)
REGION_TLDS = {"UK & Ireland": (".co.uk", ".ie", ".uk"), "Europe": (".de", ".fr", ".nl", ".eu"),
               "North America": (".com", ".us", ".ca"), "APAC": (".com.au", ".sg", ".co.nz")}

_ORG_FIRST = ("Abbott", "Bramble", "Cedar", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Harbour", "Ivybridge",
              "Juniper", "Kestrel", "Larkspur", "Meridian", "Northgate", "Oakfield", "Pennant", "Quayside",
              "Redwood", "Saltmarsh", "Thornbury", "Umber", "Vantage", "Westbrook", "Yarrow", "Zephyr", "Ashcombe",
              "Blackwater", "Copperleaf", "Driftwood", "Evergreen", "Foxglove", "Greystone", "Hollybank",
              "Ironside", "Kingsmere", "Lindenhall", "Millbrook", "Nettlebed", "Orchard", "Pebblestone")
_ORG_SECOND = ("Logistics", "Studio", "Partners", "Foods", "Dental", "Architects", "Consulting", "Labs", "Retail",
               "Travel", "Health", "Legal", "Engineering", "Media", "Bakery", "Accountants", "Clinics", "Design",
               "Analytics", "Property", "Builders", "Events", "Energy", "Education")
_ORG_FORM = ("Ltd", "GmbH", "Inc", "& Co", "", "", "LLP", "BV", "Pty Ltd", "SAS")
_FIRST_NAMES = ("Aisha", "Brian", "Carla", "Dev", "Emily", "Farid", "Gemma", "Hugo", "Ines", "Jack", "Katarzyna",
                "Lewis", "Mei", "Nathan", "Orla", "Pablo", "Rachel", "Stefan", "Tanya", "Umar", "Valentina", "Will",
                "Ximena", "Yusuf", "Zara", "Alex", "Beatrice", "Callum", "Deepa", "Eoin", "Freya", "George",
                "Hannah", "Ibrahim", "Jess", "Kwame", "Lucy", "Marco", "Nina", "Oscar", "Paula", "Rhys", "Sofia",
                "Theo", "Ursula", "Vikram", "Wen", "Yvonne", "Anders", "Bridget", "Chen", "Dominika", "Emeka", "Fiona")
_LAST_NAMES = ("Adams", "Bauer", "Campbell", "Dubois", "Evans", "Fernandes", "Graham", "Hughes", "Ivanova", "Jensen",
               "Khan", "Lewandowski", "McAllister", "Nakamura", "O'Neill", "Price", "Quinn", "Rossi", "Sutherland",
               "Tanaka", "Underwood", "Van Dijk", "Williams", "Xu", "Young", "Zielinski", "Ahmed", "Byrne", "Clarke",
               "Doyle", "Eriksen", "Foster", "Gallagher", "Hoffmann", "Iqbal", "Jones", "Kelly", "Lopez", "Morgan",
               "Nowak", "Okoye", "Pearson", "Russo", "Schneider", "Turner", "Varga", "Walker", "Yates")
_TITLES = ("Office Manager", "Finance Lead", "IT Administrator", "Operations Director", "Founder", "Bookkeeper",
           "Head of IT", "Practice Manager", "CTO", "Project Coordinator", "Accounts Assistant", "Developer")


def team_of_agent() -> dict[str, str]:
    """Map each agent's name to their team's name."""
    return {agent: team.name for team in TEAMS for agent in team.agents}


def agent_style(agent: str) -> str:
    """``hedging``, ``certain`` or ``mixed``: how the agent words resolutions."""
    if agent in HEDGING_AGENTS:
        return "hedging"
    if agent in CERTAIN_AGENTS:
        return "certain"
    return "mixed"


def make_customers(rng: np.random.Generator, n_orgs: int = 600, n_people: int = 4200
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the customer organisations and the people who write to support.

    Returns ``(organizations, requesters)``. Organisations have organization_id, name,
    domain, plan, region and a ticket-volume ``weight`` (a few big accounts, a long
    tail); requesters have requester_id, organization_id, name, email, phone, title
    and ``weight``.
    """
    combos = np.array([f"{a} {b}" for a in _ORG_FIRST for b in _ORG_SECOND])
    base = combos[rng.choice(len(combos), size=n_orgs, replace=False)]
    forms = np.array(_ORG_FORM)[rng.integers(0, len(_ORG_FORM), n_orgs)]
    names = np.char.strip(np.char.add(np.char.add(base, " "), forms))
    region = np.array(REGIONS)[rng.choice(len(REGIONS), n_orgs, p=REGION_WEIGHTS)]
    plan = np.array(PLANS)[rng.choice(len(PLANS), n_orgs, p=PLAN_WEIGHTS)]
    tld_pick = rng.integers(0, 3, n_orgs)
    slugs = [b.lower().replace(" ", "") for b in base]
    domains = [f"{s}{REGION_TLDS[r][t % len(REGION_TLDS[r])]}" for s, r, t in zip(slugs, region, tld_pick, strict=True)]
    plan_size = pd.Series(plan).map({"Starter": 1.0, "Business": 2.5, "Enterprise": 6.0}).to_numpy()
    weight = rng.pareto(1.6, n_orgs) + 0.3
    weight = weight * plan_size
    orgs = pd.DataFrame({
        "organization_id": [str(9001 + i) for i in range(n_orgs)],
        "name": names,
        "domain": domains,
        "plan": plan,
        "region": region,
        "weight": weight / weight.sum(),
    })
    # People: bigger accounts have more contacts.
    org_of_person = np.sort(rng.choice(n_orgs, size=n_people, p=np.sqrt(weight) / np.sqrt(weight).sum()))
    org_of_person[:n_orgs] = np.arange(n_orgs)  # every organisation has at least one contact
    org_of_person = np.sort(org_of_person)
    first = np.array(_FIRST_NAMES)[rng.integers(0, len(_FIRST_NAMES), n_people)]
    last = np.array(_LAST_NAMES)[rng.integers(0, len(_LAST_NAMES), n_people)]
    style = rng.integers(0, 3, n_people)
    local = [
        (f"{f}.{la}" if s == 0 else f"{f[0]}{la}" if s == 1 else f).lower().replace("'", "").replace(" ", "")
        for f, la, s in zip(first, last, style, strict=True)
    ]
    emails = [f"{lp}{'' if i % 7 else i % 97}@{orgs['domain'].iat[o]}"
              for i, (lp, o) in enumerate(zip(local, org_of_person, strict=True))]
    # Ofcom's drama ranges (07700 900xxx, 020 7946 0xxx) are reserved for fiction.
    mobile = rng.integers(0, 1000, n_people)
    phones = [f"+44 7700 900{m:03d}" if m % 3 else f"020 7946 0{m:03d}" for m in mobile]
    person_weight = (rng.pareto(2.0, n_people) + 0.5) * weight[org_of_person]
    people = pd.DataFrame({
        "requester_id": [str(5000001 + i) for i in range(n_people)],
        "organization_id": orgs["organization_id"].to_numpy()[org_of_person],
        "name": [f"{f} {la}" for f, la in zip(first, last, strict=True)],
        "email": emails,
        "phone": phones,
        "title": np.array(_TITLES)[rng.integers(0, len(_TITLES), n_people)],
        "weight": person_weight / person_weight.sum(),
    })
    return orgs, people
