"""Synthetic but realistic data for `manage.py bench_matching`, and the naive baseline.

Suppliers cluster over the CPV divisions defence buys most (Zipf-like popularity, and within a
division some codes far more common than others); their capability statements, keywords and
references come from a French/English vocabulary of their area, so that full-text search means
something. Rows are generated in Python with a seeded RNG and streamed with COPY (100,000 ORM
saves would take many minutes); the matching fields are then derived set-based, the same way
`suppliers.services` derives them for one profile."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from stdnum import luhn

from portal import reference
from portal.models import CpvCode, Organization, Region
from suppliers import sizing
from suppliers.models import Certification, Reference, SupplierProfile
from suppliers.services import _SEARCH_VECTOR_SQL, cpv_prefixes
from tenders.models import Interest, Lot, Tender

from . import engine, scoring
from .models import Match

# fmt: off
# division → (French terms, English terms, technologies). Order = popularity rank (Zipf).
VOCABULARY: dict[str, tuple[list[str], list[str], list[str]]] = {
    "35": (["drones de reconnaissance", "systèmes d'armes", "munitions de petit calibre",
            "véhicules blindés", "protection balistique", "robots terrestres",
            "lutte anti-drones", "équipements de vision nocturne", "gilets pare-balles",
            "systèmes de surveillance", "tourelleaux téléopérés", "déminage"],
           ["reconnaissance drones", "weapon systems", "small-calibre ammunition",
            "armoured vehicles", "ballistic protection", "unmanned ground vehicles",
            "counter-drone systems", "night vision equipment", "body armour",
            "surveillance systems", "remote weapon stations", "mine clearance"],
           ["fusion de données", "vision par ordinateur", "céramiques balistiques", "IA embarquée"]),
    "72": (["cybersécurité", "développement logiciel", "intégration de systèmes",
            "hébergement sécurisé", "centre opérationnel de sécurité", "tests d'intrusion",
            "infogérance", "architecture cloud", "maintenance applicative",
            "traitement de données", "systèmes d'information de commandement", "audit de sécurité"],
           ["cyber security", "software development", "systems integration", "secure hosting",
            "security operations centre", "penetration testing", "managed services",
            "cloud architecture", "application maintenance", "data processing",
            "command and control systems", "security audits"],
           ["Kubernetes", "Python", "Java", "cryptographie", "DevSecOps", "SIEM"]),
    "48": (["progiciels de gestion", "logiciels de simulation", "systèmes d'information géographique",
            "logiciels embarqués", "messagerie chiffrée", "logiciels de planification",
            "gestion de la maintenance assistée par ordinateur", "licences logicielles",
            "logiciels de cartographie", "analyse d'images"],
           ["management software", "simulation software", "geographic information systems",
            "embedded software", "encrypted messaging", "planning software",
            "computerised maintenance management", "software licences", "mapping software",
            "image analysis"],
           ["C++", "Rust", "Linux temps réel", "Qt", "PostgreSQL"]),
    "73": (["recherche et développement", "études amont", "prototypage", "essais en environnement",
            "démonstrateurs technologiques", "matériaux innovants", "intelligence artificielle",
            "hypersonique", "études de faisabilité", "calcul scientifique"],
           ["research and development", "upstream studies", "prototyping",
            "environmental testing", "technology demonstrators", "advanced materials",
            "artificial intelligence", "hypersonics", "feasibility studies",
            "scientific computing"],
           ["apprentissage automatique", "calcul haute performance", "métamatériaux", "quantique"]),
    "50": (["maintien en condition opérationnelle", "maintenance aéronautique", "réparation navale",
            "révision de moteurs", "maintenance de véhicules",
            "réparation d'équipements électroniques", "entretien des hélicoptères",
            "maintenance des systèmes d'armes", "pièces de rechange",
            "soutien logistique intégré"],
           ["through-life support", "aircraft maintenance", "ship repair", "engine overhaul",
            "vehicle maintenance", "electronic equipment repair", "helicopter servicing",
            "weapon system maintenance", "spare parts", "integrated logistics support"],
           ["maintenance prédictive", "contrôle non destructif", "jumeau numérique"]),
    "34": (["véhicules tactiques", "pièces détachées automobiles", "équipements aéronautiques",
            "bateaux semi-rigides", "remorques", "moteurs d'aéronefs", "trains d'atterrissage",
            "véhicules logistiques", "embarcations rapides", "aérostructures"],
           ["tactical vehicles", "vehicle spare parts", "aeronautical equipment",
            "rigid inflatable boats", "trailers", "aircraft engines", "landing gear",
            "logistics trucks", "fast boats", "aerostructures"],
           ["composites", "motorisation hybride", "fabrication additive métal"]),
    "38": (["optronique", "caméras thermiques", "capteurs", "instruments de navigation", "radars",
            "jumelles de vision nocturne", "instruments de mesure", "centrales inertielles",
            "télémètres laser", "détecteurs NRBC"],
           ["optronics", "thermal cameras", "sensors", "navigation instruments", "radars",
            "night vision goggles", "measuring instruments", "inertial measurement units",
            "laser rangefinders", "CBRN detectors"],
           ["infrarouge", "LiDAR", "GNSS", "hyperspectral", "MEMS"]),
    "79": (["conseil en stratégie", "gestion de projet", "traduction technique",
            "sécurité et gardiennage", "assistance à maîtrise d'ouvrage", "veille stratégique",
            "rédaction technique", "études de marché", "conseil en achats", "communication"],
           ["strategy consulting", "project management", "technical translation",
            "security guarding", "owner's engineering support", "strategic intelligence",
            "technical writing", "market research", "procurement consulting", "communication"],
           ["analyse de données", "méthodes agiles"]),
    "45": (["génie civil", "construction de bâtiments", "infrastructures portuaires",
            "pistes aéroportuaires", "réhabilitation", "travaux de protection",
            "clôtures de sécurité", "réseaux enterrés", "bâtiments techniques", "désamiantage"],
           ["civil engineering", "building construction", "port infrastructure", "airfield runways",
            "refurbishment", "protective works", "security fencing", "underground networks",
            "technical buildings", "asbestos removal"],
           ["BIM", "béton fibré", "construction modulaire"]),
    "71": (["ingénierie", "bureau d'études", "contrôle technique", "calcul de structures",
            "ingénierie système", "essais et qualification", "maîtrise d'œuvre",
            "ingénierie navale", "sûreté de fonctionnement", "études d'impact"],
           ["engineering", "design office", "technical inspection", "structural analysis",
            "systems engineering", "testing and qualification", "project supervision",
            "naval engineering", "dependability", "impact studies"],
           ["simulation numérique", "MBSE", "CAO"]),
    "80": (["formation professionnelle", "formation sur simulateur", "entraînement au tir",
            "formation en langues", "e-learning", "formation des pilotes",
            "formation cybersécurité", "préparation opérationnelle", "ingénierie pédagogique",
            "formation au secourisme"],
           ["vocational training", "simulator training", "shooting training", "language training",
            "e-learning", "pilot training", "cyber security training", "operational readiness",
            "instructional design", "first aid training"],
           ["réalité virtuelle", "serious games"]),
    "30": (["ordinateurs durcis", "serveurs", "postes de travail", "tablettes durcies",
            "stockage de données", "équipements réseau", "imprimantes", "écrans tactiques",
            "calculateurs embarqués", "matériel informatique"],
           ["rugged computers", "servers", "workstations", "rugged tablets", "data storage",
            "network equipment", "printers", "tactical displays", "embedded computers",
            "computer hardware"],
           ["FPGA", "processeurs ARM", "TEMPEST"]),
    "32": (["radiocommunications", "liaisons de données tactiques", "antennes",
            "communications par satellite", "réseaux tactiques", "radios logicielles",
            "équipements de télécommunication", "chiffreurs", "faisceaux hertziens",
            "systèmes d'interphonie"],
           ["radio communications", "tactical data links", "antennas", "satellite communications",
            "tactical networks", "software-defined radios", "telecommunications equipment",
            "encryptors", "microwave links", "intercom systems"],
           ["SDR", "5G tactique", "Link 16", "VHF/UHF"]),
    "31": (["batteries", "câblage", "alimentation électrique", "connecteurs",
            "groupes électrogènes", "éclairage", "convertisseurs de puissance",
            "cartes électroniques", "moteurs électriques", "piles à combustible"],
           ["batteries", "wiring harnesses", "power supplies", "connectors", "generator sets",
            "lighting", "power converters", "circuit boards", "electric motors", "fuel cells"],
           ["lithium-ion", "électronique de puissance", "hydrogène"]),
    "44": (["structures métalliques", "blindage", "conteneurs", "abris modulaires", "outillage",
            "tôlerie", "serrurerie", "coffres-forts", "réservoirs", "visserie"],
           ["metal structures", "armour plating", "containers", "modular shelters", "tooling",
            "sheet metal work", "locksmithing", "safes", "tanks", "fasteners"],
           ["soudage robotisé", "acier à blindage"]),
    "33": (["matériel médical", "trousses de secours", "équipements de soins",
            "dispositifs médicaux", "garrots tactiques", "imagerie médicale", "défibrillateurs",
            "pansements hémostatiques"],
           ["medical equipment", "first aid kits", "care equipment", "medical devices",
            "tactical tourniquets", "medical imaging", "defibrillators", "haemostatic dressings"],
           ["télémédecine"]),
    "18": (["uniformes", "treillis", "chaussures de combat", "équipements de protection individuelle",
            "textiles techniques", "sacs à dos", "gants", "vêtements ignifugés"],
           ["uniforms", "combat fatigues", "combat boots", "personal protective equipment",
            "technical textiles", "backpacks", "gloves", "flame-retardant clothing"],
           ["textiles intelligents"]),
    "42": (["machines-outils", "équipements de levage", "compresseurs", "pompes", "usinage",
            "chariots élévateurs", "machines d'emballage", "robots industriels"],
           ["machine tools", "lifting equipment", "compressors", "pumps", "machining",
            "forklifts", "packaging machines", "industrial robots"],
           ["commande numérique", "cobotique"]),
    "63": (["logistique", "entreposage", "manutention", "transport de matières dangereuses",
            "affrètement aérien", "transit"],
           ["logistics", "warehousing", "cargo handling", "dangerous goods transport",
            "air chartering", "freight forwarding"],
           ["traçabilité RFID"]),
}
# fmt: on

RELATED = {
    "35": ["38", "32", "34"], "72": ["48", "30", "79"], "48": ["72"], "73": ["71", "38"],
    "50": ["34", "31"], "34": ["50"], "38": ["35", "31"], "79": ["80", "72"], "45": ["71", "44"],
    "71": ["45", "73"], "80": ["79"], "30": ["72", "32"], "32": ["30", "31"], "31": ["32", "38"],
    "44": ["45"], "33": ["38"], "18": ["35"], "42": ["44", "50"], "63": ["34"],
}  # fmt: skip
GENERIC_FR = ["pour le ministère des Armées", "au service de la défense", "pour les forces armées",
              "pour les industriels de la défense", "en France et à l'export"]  # fmt: skip
GENERIC_EN = ["for the armed forces", "for defence customers", "for prime contractors",
              "in France and abroad"]  # fmt: skip
ACTIVITIES_FR = ["conçoit et fabrique", "développe", "fournit", "intègre", "assure le soutien de",
                 "propose"]  # fmt: skip
ACTIVITIES_EN = ["designs and manufactures", "develops", "supplies", "integrates", "supports",
                 "offers"]  # fmt: skip
BUYERS = [
    "Direction générale de l'armement (DGA)", "Armée de Terre", "Marine nationale",
    "Armée de l'Air et de l'Espace", "Service de santé des armées (SSA)",
    "Service du commissariat des armées (SCA)", "Commandement de la cyberdéfense (COMCYBER)",
    "Service industriel de l'aéronautique (SIAé)", "Agence de l'innovation de défense (AID)",
]  # fmt: skip
PRIMES = ["Thales", "Naval Group", "MBDA", "Safran", "KNDS France", "Dassault Aviation",
          "Airbus Defence and Space", "Arquus", "Nexter"]  # fmt: skip
NAME_PARTS = (
    ["Aéro", "Techno", "Opti", "Cyber", "Naval", "Méca", "Électro", "Défense", "Atlantique",
     "Alpes", "Armor", "Provence", "Data", "Systèmes", "Ingé", "Sud", "Nord", "Hexa"],
    ["Systèmes", "Industries", "Solutions", "Technologies", "Services", "Précision",
     "Ingénierie", "Concept", "Innovation", "Équipements"],
    ["SAS", "SA", "SARL", "SASU"],
)  # fmt: skip
REGION_WEIGHTS = {"11": 25, "84": 10, "93": 9, "53": 8, "75": 8, "76": 8, "44": 5, "32": 5,
                  "52": 5, "28": 4, "24": 3, "27": 3, "94": 0.5, "01": 0.3, "02": 0.3,
                  "03": 0.3, "04": 0.5, "06": 0.2}  # fmt: skip
CERT_WEIGHTS = {"iso9001": 50, "en9100": 12, "iso27001": 12, "aqap2110": 10, "secnumcloud": 3,
                "passi": 3, "hds": 2, "other": 8}  # fmt: skip
CERT_BOOSTS = {"72": ("iso27001", "secnumcloud", "passi"), "48": ("iso27001", "secnumcloud"),
               "30": ("iso27001",), "35": ("en9100", "aqap2110"), "34": ("en9100", "aqap2110"),
               "50": ("en9100", "aqap2110"), "38": ("en9100", "aqap2110"), "33": ("hds",)}  # fmt: skip
# (category, share, headcount range, turnover range in € millions)
SIZES = [("micro", 45, (1, 9), (0.1, 1.9)), ("pme", 38, (10, 249), (2, 49)),
         ("eti", 12, (250, 4999), (51, 1400)), ("ge", 5, (5000, 60000), (1600, 20000))]  # fmt: skip
CHUNK = 10_000


def zipf_weights(n: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (k + 1) ** exponent for k in range(n)]


def weighted(rng: random.Random, items: list, weights: list[float]) -> Callable[[], object]:
    """A fast repeated weighted draw (cumulative weights computed once)."""
    cum = list(itertools.accumulate(weights))
    return lambda: rng.choices(items, cum_weights=cum)[0]


def load_reference_data() -> dict[str, int]:
    """The CPV codes and regions (and départements with the full data) through the project's
    own loaders: the official lists under REFERENCE_DATA_DIR, else the bundled subset."""
    counts = {}
    for kind, path in reference.reference_sources():
        counts[kind] = reference.LOADERS[kind](path).created
    return counts


@dataclass
class Catalogue:
    """What the generator draws from: loaded CPV codes by division, with their labels."""

    rng: random.Random
    codes: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    draw_code: dict[str, Callable[[], str]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_database(cls, rng: random.Random) -> Catalogue:
        cat = cls(rng)
        for code, fr, en in CpvCode.objects.order_by("code").values_list(
            "code", "label_fr", "label_en"
        ):
            if code[:2] in VOCABULARY:
                cat.codes.setdefault(code[:2], []).append(code)
                cat.groups.setdefault(code[:3], []).append(code)
                cat.labels[code] = (fr, en)
        for division, codes in cat.codes.items():
            order = rng.sample(codes, len(codes))  # which codes are popular: random, seeded
            cat.draw_code[division] = weighted(rng, order, zipf_weights(len(order), 0.9))
        return cat

    @property
    def divisions(self) -> list[str]:
        return [d for d in VOCABULARY if d in self.codes]

    def near_code(self, code: str) -> str:
        return self.rng.choice(self.groups[code[:3]])

    def related_division(self, division: str) -> str:
        options = [d for d in RELATED.get(division, []) if d in self.codes] or [division]
        return self.rng.choice(options)


def siren_pool(rng: random.Random, n: int) -> list[str]:
    """N distinct Luhn-valid SIRENs (the live-profile SIREN is unique)."""
    bases = rng.sample(range(10_000_000, 100_000_000), n)
    return [f"{b}{luhn.calc_check_digit(str(b))}" for b in bases]


def siret_for(siren: str) -> str:
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)
