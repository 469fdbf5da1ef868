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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from stdnum import luhn

from portal import reference
from portal.models import CpvCode, Departement, Organization
from suppliers import sizing
from suppliers.models import Certification, Reference, SupplierProfile
from suppliers.services import _SEARCH_VECTOR_SQL, cpv_prefixes, reference_clients
from tenders.models import Interest, Lot, Tender

from . import engine, scoring
from .models import Match, SupplierIndex

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
           ["fusion de données", "vision par ordinateur", "céramiques balistiques",
            "IA embarquée"]),
    "72": (["cybersécurité", "développement logiciel", "intégration de systèmes",
            "hébergement sécurisé", "centre opérationnel de sécurité", "tests d'intrusion",
            "infogérance", "architecture cloud", "maintenance applicative",
            "traitement de données", "systèmes d'information de commandement", "audit de sécurité"],
           ["cyber security", "software development", "systems integration", "secure hosting",
            "security operations centre", "penetration testing", "managed services",
            "cloud architecture", "application maintenance", "data processing",
            "command and control systems", "security audits"],
           ["Kubernetes", "Python", "Java", "cryptographie", "DevSecOps", "SIEM"]),
    "48": (["progiciels de gestion", "logiciels de simulation",
            "systèmes d'information géographique", "logiciels embarqués", "messagerie chiffrée",
            "logiciels de planification",
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
    "18": (["uniformes", "treillis", "chaussures de combat",
            "équipements de protection individuelle", "textiles techniques", "sacs à dos", "gants",
            "vêtements ignifugés"],
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
_DEFENCE_CERTS = ("en9100", "aqap2110")
CERT_BOOSTS = {"72": ("iso27001", "secnumcloud", "passi"), "48": ("iso27001", "secnumcloud"),
               "30": ("iso27001",), "35": _DEFENCE_CERTS, "34": _DEFENCE_CERTS,
               "50": _DEFENCE_CERTS, "38": _DEFENCE_CERTS, "33": ("hds",)}  # fmt: skip
# (category, share, headcount range, turnover range in € millions)
SIZES = [("micro", 45, (1, 9), (0.1, 1.9)), ("pme", 38, (10, 249), (2, 49)),
         ("eti", 12, (250, 4999), (51, 1400)), ("ge", 5, (5000, 60000), (1600, 20000))]  # fmt: skip
CHUNK = 10_000


def of(term: str) -> str:
    """French "de" with its elision: "de radars", "d'optronique"."""
    return f"d'{term}" if term[0].lower() in "aeéèêiîoôuh" else f"de {term}"


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


# --- Bulk writing --------------------------------------------------------------------------


def _constant_columns(model, columns: list[str]) -> dict[str, object]:
    """The model's other NOT NULL columns with their Python default: the database has no
    defaults of its own (Django applies them), so COPY must send them."""
    fixed = {}
    for f in model._meta.concrete_fields:
        if f.column in columns or f.primary_key or f.null or getattr(f, "generated", False):
            continue
        default = f.get_default()
        if default is None:
            raise ValueError(f"{model.__name__}.{f.name} needs a value in the bench data")
        fixed[f.column] = f.get_db_prep_save(default, connection)
    return fixed


def copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    fixed = _constant_columns(model, columns)
    names = ", ".join(columns + list(fixed))
    tail = tuple(fixed.values())
    sql = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row + tail)


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - model names
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


# The app's own statement for one profile (suppliers.services), made set-based: the language of
# each row picks its configuration, and every live profile is updated at once.
_CONFIG_OF_ROW = (
    "(CASE WHEN p.statement_language = 'en' THEN 'en_unaccent' ELSE 'fr_unaccent' END)::regconfig"
)


def search_vector_sql() -> str:
    sql = _SEARCH_VECTOR_SQL.replace("%(config)s::regconfig", _CONFIG_OF_ROW)
    sql = sql.replace("WHERE p.id = %(id)s", "WHERE p.is_live")
    if "%(" in sql or "WHERE p.is_live" not in sql:
        raise RuntimeError("suppliers.services._SEARCH_VECTOR_SQL changed: update bench.py")
    return sql


def refresh_search_vectors() -> None:
    with connection.cursor() as cursor:
        cursor.execute(search_vector_sql())


def vacuum_analyze() -> None:
    """Like a database autovacuum has seen: no dead rows left by the UPDATE, fresh stats."""
    tables = [
        m._meta.db_table
        for m in (
            Organization,
            SupplierProfile,
            SupplierIndex,
            Certification,
            Reference,
            Tender,
            Lot,
            Interest,
        )
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- Suppliers -----------------------------------------------------------------------------

ORG_COLUMNS = ["id", "kind", "name", "siren", "created_at"]
PROFILE_COLUMNS = [
    "id", "organization_id", "is_live", "status", "legal_name", "siren", "siret",
    "year_founded", "region_id", "regions_served", "headcount", "annual_turnover_eur",
    "rd_share_percent", "size_category", "is_startup", "capability_statement",
    "statement_language", "keywords", "cpv_codes", "technologies", "trl", "clearance_level",
    "clearance_expires_on", "itar_free", "eu_controlled", "cpv_prefixes",
    "reference_cpv_prefixes", "reference_count", "reference_clients", "departements",
    "decided_at", "created_at", "updated_at", "certification_types",
]  # fmt: skip
CERT_COLUMNS = ["profile_id", "type", "name", "number", "issuer", "expires_on"]
REF_COLUMNS = [
    "profile_id", "client", "year", "value_eur", "cpv_code", "description", "is_public",
    "departement_id",
]  # fmt: skip
ISSUERS = {"passi": "ANSSI", "secnumcloud": "ANSSI", "aqap2110": "DGA"}


@dataclass
class Batch:
    organizations: list[tuple] = field(default_factory=list)
    profiles: list[tuple] = field(default_factory=list)
    certifications: list[tuple] = field(default_factory=list)
    references: list[tuple] = field(default_factory=list)

    def write(self) -> None:
        # Foreign keys are deferred to commit, but parents first keeps it obvious.
        copy_rows(Organization, ORG_COLUMNS, self.organizations)
        copy_rows(SupplierProfile, PROFILE_COLUMNS, self.profiles)
        copy_rows(Certification, CERT_COLUMNS, self.certifications)
        copy_rows(Reference, REF_COLUMNS, self.references)


class SupplierMaker:
    """One supplier at a time: organization, live approved profile, certifications, references."""

    def __init__(self, cat: Catalogue, regions: list[str]):
        self.cat, self.rng = cat, cat.rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.regions = regions
        # Départements by region (only with the full reference data; else none are drawn).
        self.departements: dict[str, list[str]] = {}
        for code, region in Departement.objects.values_list("code", "region_id"):
            self.departements.setdefault(region, []).append(code)
        self.draw_division = weighted(self.rng, cat.divisions, zipf_weights(len(cat.divisions)))
        self.draw_region = weighted(self.rng, regions, [REGION_WEIGHTS.get(r, 1) for r in regions])
        self.draw_size = weighted(self.rng, SIZES, [s[1] for s in SIZES])
        self.draw_cert = {d: self._cert_draw(d) for d in cat.divisions}
        self.by_division: dict[str, list[int]] = {d: [] for d in cat.divisions}

    def _cert_draw(self, division: str) -> Callable[[], str]:
        boosted = CERT_BOOSTS.get(division, ())
        kinds = list(CERT_WEIGHTS)
        weights = [CERT_WEIGHTS[k] * (3 if k in boosted else 1) for k in kinds]
        return weighted(self.rng, kinds, weights)

    def add(self, batch: Batch, pk: int, siren: str) -> None:
        rng = self.rng
        division = self.draw_division()
        self.by_division[division].append(pk)
        codes = self.codes(division)
        name = f"{rng.choice(NAME_PARTS[0])} {rng.choice(NAME_PARTS[1])} {pk} "
        name += rng.choice(NAME_PARTS[2])
        region = self.draw_region()
        home = self.draw_departement(region)
        references = self.references(pk, division, codes, home, region)
        batch.organizations.append((pk, "supplier", name, siren, self.now))
        profile = self.profile(pk, siren, name, division, codes, references, region, home)
        certifications = self.certifications(pk, division)
        # As services.live_refresh_matching_fields derives it (after the profile's own draws).
        types = sorted({kind for _pk, kind, *_rest in certifications})
        batch.profiles.append((*profile, types))
        batch.certifications.extend(certifications)
        batch.references.extend(references)

    def codes(self, division: str) -> list[str]:
        rng, cat = self.rng, self.cat
        first = cat.draw_code[division]()
        out = [first]
        for _ in range(rng.choices([0, 1, 2, 3, 4], [30, 30, 20, 12, 8])[0]):
            r = rng.random()
            if r < 0.5:
                out.append(cat.near_code(first))
            elif r < 0.85:
                out.append(cat.draw_code[division]())
            else:
                out.append(cat.draw_code[cat.related_division(division)]())
        return list(dict.fromkeys(out))

    def draw_departement(self, region: str | None) -> str | None:
        choices = self.departements.get(region or "", [])
        return self.rng.choice(choices) if choices else None

    def profile(self, pk, siren, name, division, codes, references, region, home) -> tuple:
        rng = self.rng
        lang = "en" if rng.random() < 0.2 else "fr"
        size = self.size(division)
        clearance = rng.choices([0, 1, 2, 3], [70, 18, 10, 2])[0]
        expires = self.today + datetime.timedelta(rng.randint(-200, 1800)) if clearance else None
        fr, en, tech = VOCABULARY[division]
        terms = fr if lang == "fr" else en
        return (
            pk, pk, True, "approved", name, siren, siret_for(siren), size["year"], region,
            self.served(region, size["category"]), size["headcount"], size["turnover"],
            size["rd"], size["category"], size["startup"],
            self.statement(name, lang, division, codes), lang,
            rng.sample(terms, rng.randint(2, 5)), codes,
            rng.sample(tech, rng.randint(0, min(3, len(tech)))),
            None if rng.random() < 0.4 else rng.randint(3, 9), clearance, expires,
            rng.random() < 0.6, rng.random() < 0.85, cpv_prefixes(codes),
            cpv_prefixes([r[4] for r in references]), len(references),
            reference_clients(r[1] for r in references),
            sorted({d for d in [home, *(r[7] for r in references)] if d}),
            self.now, self.now, self.now,
        )  # fmt: skip

    def size(self, division: str) -> dict:
        rng = self.rng
        category, _share, (h_lo, h_hi), (t_lo, t_hi) = self.draw_size()
        headcount = int(round(h_lo * (h_hi / h_lo) ** rng.random()))  # log-uniform
        turnover = Decimal(int(rng.uniform(t_lo, t_hi) * 1_000_000))
        young = rng.random() < 0.2
        year = self.today.year - (rng.randint(0, 7) if young else rng.randint(8, 70))
        research = division in ("73", "72", "48", "38")
        rd = rng.randint(0, 60 if research else 25)
        computed = sizing.size_category(headcount=headcount, turnover=turnover, balance_sheet=None)
        startup = sizing.is_startup(
            category=computed, year_founded=year, rd_share=rd, current_year=self.today.year
        )
        return {"category": computed, "headcount": headcount, "turnover": turnover,
                "year": year, "rd": rd, "startup": startup}  # fmt: skip

    def served(self, region: str, category: str) -> list[str]:
        low, high = {"micro": (0, 1), "pme": (0, 3), "eti": (2, 6)}.get(category, (8, 17))
        others = [r for r in self.regions if r != region]
        return self.rng.sample(others, min(len(others), self.rng.randint(low, high)))

    def statement(self, name: str, lang: str, division: str, codes: list[str]) -> str:
        rng, cat = self.rng, self.cat
        fr = lang == "fr"
        terms = VOCABULARY[division][0 if fr else 1]
        a, b, c, d = rng.sample(terms, 4)
        label = cat.labels[codes[0]][0 if fr else 1].lower()
        generic = rng.choice(GENERIC_FR if fr else GENERIC_EN) if rng.random() < 0.6 else ""
        verb = rng.choice(ACTIVITIES_FR if fr else ACTIVITIES_EN)
        generic = f" {generic}" if generic else ""
        if fr:
            text = f"{name} {verb} {a}, {b} et {c}{generic}. Spécialiste {of(d)} : {label}."
        else:
            text = f"{name} {verb} {a}, {b} and {c}{generic}. Specialist in {d}: {label}."
        if len(codes) > 1 and codes[-1][:2] != division:
            other = rng.choice(VOCABULARY[codes[-1][:2]][0 if fr else 1])
            text += f" Également actif en {other}." if fr else f" Also active in {other}."
        return text

    def certifications(self, pk: int, division: str) -> list[tuple]:
        rng, out, seen = self.rng, [], set()
        for i in range(rng.choices([0, 1, 2, 3], [45, 30, 17, 8])[0]):
            kind = self.draw_cert[division]()
            if kind in seen:
                continue
            seen.add(kind)
            r = rng.random()
            expires = (
                None
                if r < 0.05
                else self.today + datetime.timedelta(-rng.randint(1, 900) if r < 0.2 else
                                                     rng.randint(1, 1100))
            )  # fmt: skip
            name = "Qualification OTAN" if kind == "other" else ""
            issuer = ISSUERS.get(kind, rng.choice(["AFNOR Certification", "Bureau Veritas"]))
            out.append((pk, kind, name, f"C{pk}-{i}", issuer, expires))
        return out

    def references(self, pk, division, codes, home, region) -> list[tuple]:
        """Past contracts, half of them near home (the head office's département), the others
        anywhere in its region or elsewhere."""
        rng, out = self.rng, []
        fr_terms = VOCABULARY[division][0]
        for _ in range(rng.choices([0, 1, 2, 3, 4], [30, 25, 20, 15, 10])[0]):
            code = rng.choice(codes) if rng.random() < 0.7 else self.cat.draw_code[division]()
            client = rng.choice(BUYERS) if rng.random() < 0.6 else rng.choice(PRIMES)
            verb = rng.choice(["Fourniture", "Développement", "Maintenance", "Intégration"])
            description = f"{verb} {of(rng.choice(fr_terms))} pour {client}"
            year = self.today.year - min(int(rng.expovariate(1 / 4)), 15)
            value = Decimal(rng.randint(20, 5000) * 1000)
            place = (
                home
                if rng.random() < 0.5
                else self.draw_departement(region if rng.random() < 0.5 else self.draw_region())
            )
            out.append((pk, client, year, value, code, description, rng.random() < 0.85, place))
        return out


def generate_suppliers(
    maker: SupplierMaker, count: int, progress: Callable[[int], None] | None = None
) -> None:
    """COUNT suppliers with ids 1..COUNT, written in chunks (a bounded memory footprint)."""
    sirens = siren_pool(maker.rng, count)
    with transaction.atomic():
        for start in range(0, count, CHUNK):
            batch = Batch()
            for pk in range(start + 1, min(start + CHUNK, count) + 1):
                maker.add(batch, pk, sirens[pk - 1])
            batch.write()
            if progress:
                progress(len(batch.profiles))
        _reset_sequence(Organization)
        _reset_sequence(SupplierProfile)


# --- Tenders -------------------------------------------------------------------------------

TENDER_VERBS = ["Acquisition", "Fourniture", "Prestations", "Marché", "Soutien"]
UNITS = ["l'Armée de Terre", "la Marine nationale", "l'Armée de l'Air et de l'Espace",
         "la DGA", "le Service de santé des armées", "les bases de défense"]  # fmt: skip
MANDATORY = ["iso9001", "en9100", "iso27001", "aqap2110", "passi", "secnumcloud"]


def make_buyers() -> list[Organization]:
    return Organization.objects.bulk_create(
        [Organization(kind=Organization.Kind.MINISTRY, name=name, siren="") for name in BUYERS]
    )


class TenderMaker:
    def __init__(self, maker: SupplierMaker, buyers: list[Organization]):
        self.cat, self.rng, self.maker, self.buyers = maker.cat, maker.rng, maker, buyers

    def codes(self, division: str) -> list[str]:
        main = self.cat.draw_code[division]()
        extra = [
            self.cat.near_code(main) if self.rng.random() < 0.5 else self.cat.draw_code[division]()
            for _ in range(self.rng.choices([0, 1, 2], [50, 35, 15])[0])
        ]
        return list(dict.fromkeys([main, *extra]))

    def requirements(self, division: str) -> dict:
        rng = self.rng
        certs = rng.sample(MANDATORY, 3)
        return {
            "min_clearance": rng.choice([1, 2]) if rng.random() < 0.15 else 0,
            "mandatory_certifications": certs[:1] if rng.random() < 0.25 else [],
            "preferred_certifications": certs[1 : rng.randint(2, 3)] if rng.random() < 0.4 else [],
            "sme_reserved": rng.random() < 0.2,
            "eu_controlled_required": rng.random() < 0.15,
            "itar_free_required": rng.random() < 0.1,
            "min_trl": rng.randint(4, 7) if rng.random() < 0.1 else None,
        }

    def make(self, n: int) -> Tender:
        rng, now = self.rng, timezone.now()
        division = self.maker.draw_division()
        region = self.maker.draw_region() if rng.random() < 0.6 else None
        codes = self.codes(division)
        a, b, c, *lot_terms = rng.sample(VOCABULARY[division][0], 6)
        title = f"{rng.choice(TENDER_VERBS)} {of(a)}"
        if rng.random() < 0.5:
            title += f" pour {rng.choice(UNITS)}"
        label = self.cat.labels[codes[0]][0].lower()
        tender = Tender.objects.create(
            ocid=f"ocds-bench-{n}",
            title=title,
            description=f"Le marché porte sur {b} et {c} ({label}). Le titulaire interviendra "
            "pour le compte du ministère des Armées.",
            buyer=rng.choice(self.buyers),
            main_cpv_id=codes[0],
            region_id=region,
            departement_id=self.maker.draw_departement(region) if rng.random() < 0.5 else None,
            status=Tender.Status.PUBLISHED,
            published_at=now,
            submission_deadline=now + datetime.timedelta(days=rng.randint(15, 90)),
            estimated_value=Decimal(rng.randint(50, 20_000) * 1000),
            **self.requirements(division),
        )
        tender.additional_cpvs.set(codes[1:])
        self.lots(tender, division, lot_terms)
        self.interests(tender, division)
        return tender

    def lots(self, tender: Tender, division: str, terms: list[str]) -> None:
        count = self.rng.choices([0, 2, 3], [50, 30, 20])[0]
        Lot.objects.bulk_create(
            Lot(
                tender=tender,
                position=i,
                title=f"Lot {i} : {term}",
                description=f"{self.rng.choice(TENDER_VERBS)} {of(term)}",
                cpv_id=self.cat.draw_code[division](),
            )
            for i, term in enumerate(terms[:count], start=1)
        )

    def interests(self, tender: Tender, division: str) -> None:
        pool = self.maker.by_division[division]
        chosen = self.rng.sample(pool, min(len(pool), self.rng.randint(0, 30)))
        Interest.objects.bulk_create(Interest(tender=tender, organization_id=pk) for pk in chosen)


def generate_tenders(maker: SupplierMaker, count: int) -> list[int]:
    tenders = TenderMaker(maker, make_buyers())
    with transaction.atomic():
        return [tenders.make(n).pk for n in range(1, count + 1)]


# --- The naive baseline --------------------------------------------------------------------


def _naive_row(profile: SupplierProfile, ctx: engine.TenderContext, interested: set[int]) -> dict:
    """The facts of one ORM-loaded profile, in the shape engine.score_row reads; text
    matched terms and phrases found in Python from the profile's lexemes and their positions (the
    engine asks PostgreSQL)."""
    positions = profile.positions or {}
    return {
        "id": profile.pk,
        "organization_id": profile.organization_id,
        "clearance_level": profile.clearance_level,
        "clearance_expires_on": profile.clearance_expires_on,
        "certifications": [(c.type, c.expires_on) for c in profile.certifications.all()],
        "size_category": profile.size_category,
        "is_startup": profile.is_startup,
        "eu_controlled": profile.eu_controlled,
        "itar_free": profile.itar_free,
        "trl": profile.trl,
        "region_id": profile.region_id,
        "regions_served": profile.regions_served,
        "departements": profile.departements,
        "cpv_codes": profile.cpv_codes,
        "refs": [(r.cpv_code, r.year, r.client) for r in profile.references.all()],
        "interested": profile.organization_id in interested,
        "doc_length": len(positions),
        "matched_terms": [t.lexeme for t in ctx.terms if t.lexeme in positions],
        "matched_phrases": [i for i, ph in enumerate(ctx.phrases) if ph.found_in(positions)],
    }


def naive_profiles():
    """Every approved live supplier as an ORM object, with its credentials, references and the
    lexemes of its text."""
    return (
        SupplierProfile.objects.filter(is_live=True, status=SupplierProfile.Status.APPROVED)
        .annotate(
            positions=RawSQL(
                "(SELECT json_object_agg(lexeme, coalesce(positions, '{}'))"
                " FROM unnest(search_vector))",
                [],
            )
        )
        .prefetch_related("certifications", "references")
    )


def naive_shortlist_rebuild(tender: Tender, top_n: int) -> list[tuple[int, float]]:
    """Load everyone, score everyone in Python, keep the top N, replace the stored shortlist.
    Returns the eligible top N as (supplier id, score)."""
    ctx = engine.tender_context(tender)
    interested = set(tender.interests.values_list("organization_id", flat=True))
    scored = [engine.score_row(ctx, _naive_row(p, ctx, interested)) for p in naive_profiles()]
    scored = [s for s in scored if engine.is_relevant(s)]
    order = lambda s: (-s.score, s.supplier_id)  # noqa: E731
    eligible = sorted((s for s in scored if s.eligible), key=order)[:top_n]
    excluded = sorted((s for s in scored if not s.eligible), key=order)[:top_n]
    now = timezone.now()
    rows = [_match(tender, s, rank, now) for rank, s in enumerate(eligible, start=1)]
    rows += [_match(tender, s, None, now) for s in excluded]
    with transaction.atomic():
        Match.objects.filter(tender=tender).delete()
        Match.objects.bulk_create(rows)
    return [(s.supplier_id, s.score) for s in eligible]


def _match(tender: Tender, s: engine.Scored, rank: int | None, now) -> Match:
    return Match(
        tender=tender,
        supplier_id=s.supplier_id,
        score=s.score,
        rank=rank,
        eligible=s.eligible,
        components=[c.as_dict() for c in s.components],
        constraints=[c.as_dict() for c in s.constraints],
        engine_version=scoring.ENGINE_VERSION,
        computed_at=now,
    )
