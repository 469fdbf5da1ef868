"""Demo data of the suppliers app, loaded by `manage.py load_demo` (idempotent).

About forty fictional French defence suppliers (SMEs, start-ups, a few mid-caps), each with an
admin login and a profile filled, submitted and moderated through `suppliers.services`, so that
the moderation queue, the directory and matching have something realistic to show. The demo
supplier of `portal.demo` (Optronique de Bretagne SAS) is left untouched: its empty profile is
for the person trying the demo to fill in.

Every company, address and person below is invented; SIRENs are computed (valid check digit),
websites and emails use the reserved `.example` domain."""

from __future__ import annotations

import datetime
import logging
from itertools import count

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.fr import siret as siret_std

from portal.demo import DEMO_PASSWORD
from portal.geography import departement_of_postal_code
from portal.models import CpvCode, Departement, Organization, Region, User
from portal.services import supplier_register

from . import services
from .models import SupplierProfile

logger = logging.getLogger(__name__)

MODERATOR_EMAIL = "moderator@example.com"

# One row per company. Keys: slug (→ contact@<slug>.example, https://<slug>.example); name (legal
# name, also the organization's); trade; contact (first name, last name, language — also the
# language of the statement); founded; address (street, postal code, city, region code); served
# (region codes); size (headcount, turnover €, balance sheet €, R&D %); statement; keywords;
# cpv; tech; trl; clearance (level, months until expiry); certs ((type, months until expiry) or
# (type, months, name, issuer); negative months = expired); refs ((client, year, value €, CPV,
# description[, is_public])); optional itar_free / eu_controlled (default True); state (default
# "approved"; "submitted", "changes", "rejected", "suspended", "revision") with its reason;
# revision (fields changed after approval); claims (slug whose SIREN this company claims).
SUPPLIERS: list[dict] = [
    {
        "slug": "penn-ar-cyber",
        "name": "Penn-Ar Cyber SAS",
        "trade": "Penn-Ar Cyber",
        "contact": ("Yann", "Le Bihan", "fr"),
        "founded": 2012,
        "address": ("14 rue de la Carrière", "35000", "Rennes", "53"),
        "served": ["53", "52", "28", "11"],
        "size": (65, 7_800_000, 5_200_000, 12),
        "statement": (
            "Penn-Ar Cyber accompagne les industriels de défense et les entités du ministère des "
            "Armées dans la sécurisation de leurs systèmes d'information. Nos auditeurs qualifiés "
            "PASSI réalisent tests d'intrusion, audits d'architecture et revues de code, y compris "
            "sur des systèmes classifiés. Notre centre opérationnel de sécurité rennais assure la "
            "détection et la réponse aux incidents 24 h/24 pour des sites sensibles. Implantés au "
            "cœur du pôle d'excellence cyber breton, nous travaillons en proximité avec DGA "
            "Maîtrise de l'information."
        ),
        "keywords": ["audit PASSI", "test d'intrusion", "SOC", "réponse à incident"],
        "cpv": ["72212730", "72220000", "48730000", "72611000"],
        "tech": ["Suricata", "OpenSearch", "règles Sigma", "analyse forensique"],
        "trl": 9,
        "clearance": (2, 38),
        "certs": [("passi", 16), ("iso27001", 22), ("iso9001", 9)],
        "refs": [
            (
                "DGA Maîtrise de l'information",
                2024,
                480_000,
                "72220000",
                "Audits de sécurité et tests d'intrusion de systèmes opérationnels avant "
                "homologation.",
            ),
            (
                "Naval Group",
                2022,
                310_000,
                "72212730",
                "Revue de code et tests d'intrusion d'un système de gestion de combat embarqué.",
            ),
            (
                "CHU de Rennes",
                2021,
                95_000,
                "72611000",
                "Réponse à incident après une attaque par rançongiciel et durcissement de "
                "l'annuaire.",
            ),
        ],
    },
    {
        "slug": "signalis-ia",
        "name": "Signalis IA SAS",
        "trade": "Signalis IA",
        "contact": ("Morgane", "Guivarc'h", "fr"),
        "founded": 2021,
        "address": ("2 rue Jim Sevellec, Technopôle Brest-Iroise", "29200", "Brest", "53"),
        "served": ["53", "93", "11"],
        "size": (14, 1_600_000, 2_400_000, 38),
        "statement": (
            "Signalis IA conçoit des algorithmes d'apprentissage profond pour la classification "
            "de signaux acoustiques et électromagnétiques. Nos modèles détectent et identifient "
            "des contacts sous-marins à partir de données sonar passives, avec une frugalité "
            "compatible avec les calculateurs embarqués. Issue d'un laboratoire brestois, "
            "l'équipe réunit docteurs en traitement du signal et ingénieurs logiciels. Nous "
            "livrons des démonstrateurs en six mois et les industrialisons avec nos partenaires "
            "maîtres d'œuvre."
        ),
        "keywords": ["apprentissage profond", "acoustique sous-marine", "guerre des mines"],
        "cpv": ["73410000", "73420000", "35720000", "72212000"],
        "tech": ["PyTorch", "ONNX", "traitement du signal", "NVIDIA Jetson"],
        "trl": 5,
        "clearance": (1, 30),
        "certs": [],
        "refs": [
            (
                "Agence de l'innovation de défense (AID)",
                2023,
                250_000,
                "73420000",
                "Projet RAPID : démonstrateur de classification automatique de contacts sonar.",
            ),
            (
                "Thales",
                2024,
                180_000,
                "73410000",
                "Algorithmes de réduction des fausses alarmes pour sonar remorqué.",
                False,
            ),
        ],
    },
    {
        "slug": "vektor-embarque",
        "name": "Vektor Systèmes Embarqués SAS",
        "trade": "Vektor",
        "contact": ("Julien", "Castex", "fr"),
        "founded": 2006,
        "address": ("18 avenue Didier Daurat", "31000", "Toulouse", "76"),
        "served": ["76", "75", "11", "93"],
        "size": (120, 14_500_000, 9_000_000, 15),
        "statement": (
            "Vektor développe et certifie des logiciels et calculateurs embarqués critiques pour "
            "l'aéronautique militaire et les missiles. Nous maîtrisons les processus DO-178C et "
            "DO-254 jusqu'au niveau A, ainsi que les architectures temps réel multicœurs. Nos "
            "équipes interviennent de la spécification à la qualification, sur site ou en "
            "plateau chez nos clients. Nous assurons aussi la maintenance évolutive et le "
            "traitement des obsolescences sur des cycles de vie de plus de vingt ans."
        ),
        "keywords": ["logiciel critique", "DO-178C", "temps réel", "obsolescence"],
        "cpv": ["35700000", "72212000", "31700000", "73410000"],
        "tech": ["Ada / SPARK", "C embarqué", "VxWorks", "FPGA", "SCADE"],
        "trl": 8,
        "clearance": (1, 44),
        "certs": [("en9100", 20), ("iso9001", 20)],
        "refs": [
            (
                "MBDA France",
                2024,
                1_200_000,
                "72212000",
                "Logiciel de vol d'un calculateur de missile, niveau DO-178C DAL A.",
            ),
            (
                "Airbus Defence and Space",
                2022,
                650_000,
                "35700000",
                "Portage d'applications avioniques sur calculateur multicœur et qualification.",
            ),
            (
                "Dassault Aviation",
                2019,
                420_000,
                "72212000",
                "Traitement d'obsolescence de cartes calculateurs et requalification logicielle.",
            ),
        ],
    },
    {
        "slug": "aerodrones-lauragais",
        "name": "Aérodrones du Lauragais SARL",
        "trade": "Aérodrones du Lauragais",
        "contact": ("Céline", "Rouquette", "fr"),
        "founded": 2014,
        "address": ("ZA de la Fajolle, 3 rue des Ailes", "11400", "Castelnaudary", "76"),
        "served": ["76", "75", "93"],
        "size": (45, 6_200_000, 4_800_000, 18),
        "statement": (
            "Aérodrones du Lauragais conçoit et fabrique des drones tactiques à voilure fixe et "
            "VTOL hybrides pour la reconnaissance au contact. Nos systèmes, mis en œuvre par deux "
            "opérateurs, offrent plus de quatre heures d'endurance et une liaison de données "
            "chiffrée. Nous assurons la formation des télépilotes et le soutien en opérations, "
            "y compris en projection. Notre atelier intégré livre des petites séries en moins "
            "de six mois."
        ),
        "keywords": ["drone tactique", "VTOL", "reconnaissance", "formation des télépilotes"],
        "cpv": ["35613000", "34711200", "50650000", "80510000"],
        "tech": ["voilure fixe", "VTOL hybride", "autopilote", "liaison de données chiffrée"],
        "trl": 8,
        "clearance": (1, 26),
        "itar_free": False,
        "certs": [("iso9001", 14)],
        "refs": [
            (
                "Section technique de l'armée de Terre (STAT)",
                2023,
                2_300_000,
                "35613000",
                "Systèmes de drones tactiques légers et formation des équipages.",
            ),
            (
                "Gendarmerie nationale",
                2021,
                380_000,
                "34711200",
                "Drones de surveillance pour les unités de montagne.",
            ),
        ],
    },
    {
        "slug": "optiveille",
        "name": "Optiveille SAS",
        "trade": "Optiveille",
        "contact": ("Laurent", "Giordano", "fr"),
        "founded": 2009,
        "address": ("1200 route des Lucioles, Sophia Antipolis", "06560", "Valbonne", "93"),
        "served": ["93", "76", "84"],
        "size": (80, 11_000_000, 8_500_000, 22),
        "statement": (
            "Optiveille conçoit des caméras infrarouges refroidies et non refroidies ainsi que des "
            "boules optroniques gyrostabilisées pour drones, véhicules et bâtiments de surface. "
            "Nous maîtrisons toute la chaîne : optique, mécanique, électronique de proximité et "
            "traitement d'image temps réel. Nos produits sont qualifiés selon les normes "
            "MIL-STD-810 et MIL-STD-461. Nous proposons aussi l'intégration de capteurs sur "
            "plateforme et leur maintien en condition opérationnelle."
        ),
        "keywords": ["optronique", "infrarouge", "boule gyrostabilisée", "traitement d'image"],
        "cpv": ["38600000", "35720000", "38650000", "50660000"],
        "tech": ["détecteurs IR refroidis", "microbolomètres", "stabilisation", "FPGA"],
        "trl": 8,
        "clearance": (2, 32),
        "certs": [("iso9001", 25), ("aqap2110", 25)],
        "refs": [
            (
                "Safran Electronics & Defense",
                2024,
                1_800_000,
                "38600000",
                "Modules caméras infrarouges pour viseurs.",
            ),
            (
                "Marine nationale",
                2022,
                900_000,
                "35720000",
                "Boules optroniques de veille pour patrouilleurs.",
            ),
            (
                "DGA Techniques terrestres",
                2020,
                240_000,
                "73430000",
                "Évaluation de caméras de conduite de nuit.",
            ),
        ],
    },
    {
        "slug": "hermine-comsec",
        "name": "Hermine Communications Sécurisées SA",
        "trade": "Hermine",
        "contact": ("Anne", "Le Goff", "fr"),
        "founded": 2003,
        "address": ("5 rue Louis de Broglie", "22300", "Lannion", "53"),
        "served": ["53", "11", "93", "76"],
        "size": (95, 18_000_000, 15_000_000, 24),
        "statement": (
            "Hermine conçoit des équipements de chiffrement et des radios logicielles pour les "
            "communications tactiques et stratégiques. Nos chiffreurs IP sont agréés pour la "
            "protection d'informations classifiées et intégrés dans plusieurs systèmes "
            "d'information opérationnels. Notre établissement de Lannion dispose de zones "
            "réservées et d'un atelier de production sécurisé. Nous accompagnons nos clients de "
            "l'étude d'architecture réseau jusqu'au maintien en condition de sécurité."
        ),
        "keywords": ["chiffrement", "radio logicielle", "communications tactiques", "agrément"],
        "cpv": ["32500000", "35711000", "35712000", "48732000"],
        "tech": ["chiffreurs IP", "radio logicielle (SDR)", "modules cryptographiques"],
        "trl": 9,
        "clearance": (3, 40),
        "certs": [("iso9001", 30), ("aqap2110", 30), ("iso27001", 18)],
        "refs": [
            (
                "DIRISI",
                2024,
                3_500_000,
                "32500000",
                "Chiffreurs IP pour réseaux de théâtre et maintien en condition de sécurité.",
                False,
            ),
            (
                "Thales",
                2023,
                1_400_000,
                "35712000",
                "Intégration de modules de chiffrement dans des postes radio tactiques.",
            ),
            (
                "Naval Group",
                2019,
                800_000,
                "35711000",
                "Chiffrement des liaisons de données d'une frégate.",
            ),
        ],
    },
    {
        "slug": "tla-ardennes",
        "name": "Transports et Logistique des Ardennes SAS",
        "trade": "TLA",
        "contact": ("Thierry", "Collard", "fr"),
        "founded": 1987,
        "address": ("Zone industrielle du Moulin Leblanc", "08000", "Charleville-Mézières", "44"),
        "served": ["44", "32", "27", "11"],
        "size": (180, 27_000_000, 16_000_000, 1),
        "statement": (
            "TLA assure le transport et l'entreposage de matériels sensibles pour les armées et "
            "les industriels de défense, y compris les marchandises dangereuses de classe 1. Notre "
            "flotte de 140 véhicules et nos convoyeurs habilités permettent des acheminements "
            "escortés vers les ports d'embarquement. Nous gérons 40 000 m² d'entrepôts sous "
            "contrôle d'accès dans le Grand Est. Un suivi en temps réel trace chaque colis de "
            "l'enlèvement à la livraison."
        ),
        "keywords": ["transport de matières dangereuses", "ADR classe 1", "entreposage"],
        "cpv": ["60000000", "63000000", "79714100"],
        "tech": ["géolocalisation", "RFID", "WMS"],
        "trl": None,
        "clearance": (1, 18),
        "certs": [("iso9001", 12)],
        "refs": [
            (
                "Service du commissariat des armées (SCA)",
                2023,
                4_200_000,
                "60000000",
                "Transport de matériels militaires entre emprises du Grand Est.",
            ),
            (
                "KNDS France",
                2021,
                1_100_000,
                "63000000",
                "Entreposage et préparation d'expédition de rechanges de véhicules.",
            ),
        ],
        "state": "suspended",
        "reason": (
            "Redressement judiciaire publié au BODACC : profil suspendu dans l'attente de la "
            "décision du tribunal."
        ),
    },
    {
        "slug": "simulacre",
        "name": "Simulacre Training Systems SAS",
        "trade": "Simulacre",
        "contact": ("Élodie", "Perrin", "fr"),
        "founded": 2011,
        "address": ("27 rue du Docteur Frappaz", "69100", "Villeurbanne", "84"),
        "served": ["84", "44", "11", "76"],
        "size": (60, 8_400_000, 6_100_000, 20),
        "statement": (
            "Simulacre développe des simulateurs de formation en réalité virtuelle et mixte pour "
            "l'entraînement des combattants et des équipages. Nos solutions reproduisent le tir, "
            "la conduite de véhicules blindés et le secourisme au combat, avec un suivi "
            "pédagogique de chaque stagiaire. Les instructeurs éditent les scénarios sans "
            "programmer. Nos systèmes se déploient en centre de formation comme sous abri "
            "projetable."
        ),
        "keywords": ["simulation", "réalité virtuelle", "entraînement au tir", "serious game"],
        "cpv": ["35740000", "80510000", "72212000"],
        "tech": ["Unreal Engine", "réalité mixte", "HLA / DIS", "suivi oculaire"],
        "trl": 8,
        "clearance": (1, 34),
        "certs": [("iso9001", 11)],
        "refs": [
            (
                "Commandement de l'entraînement de l'armée de Terre",
                2024,
                1_600_000,
                "35740000",
                "Simulateurs de tir en réalité virtuelle pour les écoles d'infanterie.",
            ),
            (
                "Service de santé des armées (SSA)",
                2022,
                420_000,
                "80510000",
                "Module de formation au sauvetage au combat en réalité virtuelle.",
            ),
            (
                "KNDS France",
                2020,
                300_000,
                "35740000",
                "Simulateur de conduite pour véhicule blindé.",
                False,
            ),
        ],
    },
    {
        "slug": "atlantique-aero",
        "name": "Atlantique Aéro Maintenance SA",
        "trade": "Atlantique Aéro",
        "contact": ("Patrick", "Moreau", "fr"),
        "founded": 1994,
        "address": ("Base aéronautique, route de Soubise", "17300", "Rochefort", "75"),
        "served": ["75", "53", "93", "76", "03"],
        "size": (420, 95_000_000, 70_000_000, 3),
        "statement": (
            "Atlantique Aéro Maintenance réalise la maintenance, la réparation et la révision "
            "d'hélicoptères et d'avions de transport militaires. Agréée EMAR FR 145, notre base "
            "de Rochefort traite visites programmées, réparations structurales et modifications. "
            "Nos équipes mobiles interviennent sur les bases aériennes et aéronavales, en "
            "métropole comme outre-mer. Nous gérons aussi les rechanges et la documentation "
            "technique des flottes confiées."
        ),
        "keywords": ["MCO aéronautique", "EMAR 145", "hélicoptères", "réparations structurales"],
        "cpv": ["50650000", "34711000", "71356100", "50600000"],
        "tech": ["NH90", "H225M Caracal", "contrôle non destructif", "gestion de configuration"],
        "trl": 9,
        "clearance": (1, 28),
        "itar_free": False,
        "certs": [
            ("en9100", 19),
            ("iso9001", 19),
            ("other", 27, "Agrément EMAR FR 145", "DSAÉ"),
        ],
        "refs": [
            (
                "Direction de la maintenance aéronautique (DMAé)",
                2024,
                12_000_000,
                "50650000",
                "Visites programmées et réparations de cellules d'hélicoptères de la Marine.",
            ),
            (
                "Airbus Helicopters",
                2022,
                3_400_000,
                "50650000",
                "Sous-traitance de visites de maintenance lourde.",
            ),
            (
                "SIAé",
                2018,
                1_900_000,
                "71356100",
                "Contrôles non destructifs sur avions de transport.",
            ),
        ],
    },
    {
        "slug": "lumen-influence",
        "name": "Lumen Analyse Informationnelle SAS",
        "trade": "Lumen",
        "contact": ("Inès", "Benali", "fr"),
        "founded": 2022,
        "address": ("48 rue de la Roquette", "75011", "Paris", "11"),
        "served": ["11"],
        "size": (18, 1_900_000, 1_400_000, 32),
        "statement": (
            "Lumen aide les institutions à détecter et caractériser les manœuvres "
            "informationnelles hostiles visant la France et ses forces. Notre plateforme collecte "
            "des sources ouvertes multilingues, identifie les réseaux de comptes coordonnés et "
            "retrace la propagation des récits. Nos analystes produisent des rapports "
            "d'attribution technique exploitables par les équipes de lutte informatique "
            "d'influence. Nos méthodes sont documentées et reproductibles."
        ),
        "keywords": ["lutte informatique d'influence", "OSINT", "désinformation", "attribution"],
        "cpv": ["72300000", "73000000", "72212000", "79000000"],
        "tech": ["NLP multilingue", "analyse de graphes", "Elasticsearch"],
        "trl": 6,
        "clearance": (1, 36),
        "certs": [],
        "refs": [
            (
                "COMCYBER",
                2024,
                350_000,
                "72300000",
                "Plateforme d'analyse des manœuvres informationnelles en sources ouvertes.",
                False,
            ),
            (
                "SGDSN – Viginum",
                2023,
                190_000,
                "79000000",
                "Études de campagnes de désinformation ciblant des scrutins.",
            ),
        ],
    },
    {
        "slug": "nuage-souverain",
        "name": "Nuage Souverain SAS",
        "trade": "Nuage Souverain",
        "contact": ("Maxime", "Delattre", "fr"),
        "founded": 2013,
        "address": ("60 boulevard du Général Leclerc", "59100", "Roubaix", "32"),
        "served": ["32", "11", "44", "28", "53"],
        "size": (210, 38_000_000, 31_000_000, 9),
        "statement": (
            "Nuage Souverain opère un cloud de confiance qualifié SecNumCloud, hébergé dans trois "
            "centres de données en France et exploité par des équipes françaises. Nous proposons "
            "infrastructure à la demande, Kubernetes managé et stockage objet chiffré, à l'abri "
            "des lois extraterritoriales. Notre offre certifiée HDS accueille aussi des données "
            "de santé. Nous accompagnons les industriels de défense dans la migration de leurs "
            "applications Diffusion Restreinte."
        ),
        "keywords": ["cloud souverain", "SecNumCloud", "Kubernetes", "Diffusion Restreinte"],
        "cpv": ["72300000", "72250000", "48000000", "72600000"],
        "tech": ["OpenStack", "Kubernetes", "stockage objet S3", "HSM"],
        "trl": 9,
        "clearance": (1, 40),
        "certs": [("secnumcloud", 26), ("iso27001", 15), ("hds", 21)],
        "refs": [
            (
                "Naval Group",
                2024,
                2_100_000,
                "72300000",
                "Hébergement SecNumCloud d'une plateforme de gestion documentaire technique.",
            ),
            (
                "CHU de Lille",
                2022,
                650_000,
                "72250000",
                "Hébergement HDS du dossier patient informatisé.",
            ),
            (
                "Agence du numérique de défense",
                2023,
                900_000,
                "72300000",
                "Environnement cloud pour le développement d'applications Diffusion Restreinte.",
            ),
        ],
        "state": "revision",
        "revision": {
            "headcount": 236,
            "annual_turnover_eur": 44_500_000,
            "balance_sheet_eur": 35_000_000,
        },
    },
    {
        "slug": "additiv-metal",
        "name": "Additiv'Métal Industrie SAS",
        "trade": "Additiv'Métal",
        "contact": ("Nicolas", "Fayolle", "fr"),
        "founded": 2015,
        "address": ("9 rue Benoît Fourneyron", "42000", "Saint-Étienne", "84"),
        "served": ["84", "27", "76", "11"],
        "size": (75, 10_000_000, 12_000_000, 14),
        "statement": (
            "Additiv'Métal produit par fusion laser sur lit de poudre des pièces en titane, "
            "Inconel et aluminium pour l'aéronautique et l'armement. Nous prenons en charge "
            "l'optimisation topologique, la fabrication, les traitements thermiques et le "
            "contrôle tomographique. Notre procédé qualifié permet de refabriquer des pièces "
            "obsolètes à partir d'un simple relevé 3D. Nous accompagnons les bureaux d'études "
            "dans la qualification de pièces critiques."
        ),
        "keywords": ["fabrication additive", "fusion laser", "titane", "pièces obsolètes"],
        "cpv": ["42000000", "44400000", "73420000", "34700000"],
        "tech": ["fusion laser sur lit de poudre", "tomographie", "rétro-ingénierie 3D"],
        "trl": 7,
        "certs": [("en9100", 23), ("iso9001", 23)],
        "refs": [
            (
                "Safran",
                2023,
                780_000,
                "44400000",
                "Fabrication additive de supports moteur en titane.",
            ),
            (
                "SIMMT",
                2024,
                260_000,
                "73420000",
                "Refabrication de pièces obsolètes de véhicules blindés.",
            ),
            ("ArianeGroup", 2020, 410_000, "34700000", "Injecteurs prototypes en Inconel.", False),
        ],
    },
    {
        "slug": "protecta-nrbc",
        "name": "Protecta NRBC SAS",
        "trade": "Protecta",
        "contact": ("Sandrine", "Lemaître", "fr"),
        "founded": 2008,
        "address": ("12 rue de la Poudrerie", "27200", "Vernon", "28"),
        "served": ["28", "11", "32", "24"],
        "size": (55, 9_000_000, 7_000_000, 17),
        "statement": (
            "Protecta NRBC conçoit des détecteurs chimiques et radiologiques portatifs et des "
            "solutions de décontamination des personnels et des matériels. Nos équipements sont "
            "utilisés par les unités spécialisées des armées et par la sécurité civile. Nous "
            "réalisons aussi des essais de résistance d'équipements en atmosphère contaminée "
            "simulée. Notre laboratoire est habilité à manipuler des agents simulants."
        ),
        "keywords": ["NRBC", "détection chimique", "décontamination", "radiamétrie"],
        "cpv": ["38500000", "38540000", "35000000", "90000000", "24000000"],
        "tech": ["spectrométrie de mobilité ionique", "scintillateurs", "décontaminants"],
        "trl": 7,
        "clearance": (2, 21),
        "certs": [("iso9001", 17)],
        "refs": [
            (
                "DGA Maîtrise NRBC",
                2024,
                1_300_000,
                "38540000",
                "Détecteurs chimiques portatifs et formation des utilisateurs.",
            ),
            (
                "Direction générale de la sécurité civile",
                2021,
                520_000,
                "90000000",
                "Chaînes de décontamination mobiles.",
            ),
        ],
    },
    {
        "slug": "ateliers-estuaire",
        "name": "Ateliers Navals de l'Estuaire SA",
        "trade": "ANE",
        "contact": ("Hervé", "Guérin", "fr"),
        "founded": 1972,
        "address": ("Boulevard des Apprentis", "44600", "Saint-Nazaire", "52"),
        "served": ["52", "53", "93", "28"],
        "size": (650, 140_000_000, 110_000_000, 4),
        "statement": (
            "Les Ateliers Navals de l'Estuaire réalisent chaudronnerie, tuyauterie, électricité "
            "de bord et aménagements pour les bâtiments militaires neufs et en refonte. Nous "
            "intervenons en sous-traitance de rang 1 sur les grands programmes navals et en "
            "maîtrise d'œuvre sur les bâtiments de soutien. Nos équipes assurent les arrêts "
            "techniques à Brest, Lorient et Toulon. Nos soudeurs sont qualifiés sur aciers à "
            "haute limite élastique et alliages cuivreux."
        ),
        "keywords": ["construction navale", "chaudronnerie", "arrêts techniques", "refonte"],
        "cpv": ["35500000", "50640000", "35510000", "71300000"],
        "tech": ["soudage HLE", "électricité de bord", "maquette numérique 3D"],
        "trl": 9,
        "clearance": (2, 30),
        "certs": [("iso9001", 28), ("aqap2110", 28)],
        "refs": [
            (
                "Naval Group",
                2025,
                18_000_000,
                "35510000",
                "Tuyauterie et chaudronnerie pour les frégates de défense et d'intervention.",
            ),
            (
                "Service de soutien de la flotte (SSF)",
                2023,
                6_500_000,
                "50640000",
                "Arrêts techniques de bâtiments de soutien à Brest.",
            ),
            (
                "Chantiers de l'Atlantique",
                2019,
                4_000_000,
                "35500000",
                "Aménagements de bâtiments ravitailleurs de forces.",
            ),
        ],
    },
    {
        "slug": "pyrotechnie-berry",
        "name": "Pyrotechnie du Berry SA",
        "trade": "Pyrotechnie du Berry",
        "contact": ("Dominique", "Aubrun", "fr"),
        "founded": 1961,
        "address": ("Route de Vierzon", "18000", "Bourges", "24"),
        "served": ["24", "11", "75"],
        "size": (140, 26_000_000, 22_000_000, 12),
        "statement": (
            "Pyrotechnie du Berry développe et fabrique des composants pyrotechniques : "
            "initiateurs, cordeaux, générateurs de gaz et dispositifs de sécurité-armement. Notre "
            "site classé Seveso seuil haut dispose de bancs d'essais et d'une ligne de production "
            "sous assurance qualité AQAP. Nous accompagnons nos clients de la conception au tir "
            "de qualification, y compris pour le spatial. Nous assurons aussi le démantèlement "
            "de composants en fin de vie."
        ),
        "keywords": ["pyrotechnie", "initiateurs", "sécurité-armement", "démantèlement"],
        "cpv": ["35000000", "24000000", "35600000", "73410000"],
        "tech": ["poudres propulsives", "initiation électrique", "essais climatiques"],
        "trl": 9,
        "clearance": (2, 45),
        "certs": [("iso9001", 13), ("aqap2110", 13)],
        "refs": [
            (
                "MBDA France",
                2024,
                5_200_000,
                "35600000",
                "Initiateurs et dispositifs de sécurité-armement pour missiles.",
                False,
            ),
            (
                "ArianeGroup",
                2022,
                2_100_000,
                "24000000",
                "Générateurs de gaz pour la séparation d'étages.",
            ),
            (
                "DGA Techniques terrestres",
                2018,
                600_000,
                "73410000",
                "Étude de munitions à risques atténués.",
            ),
        ],
    },
    {
        "slug": "jura-microtechnique",
        "name": "Jura Microtechnique Défense SAS",
        "trade": "JMD",
        "contact": ("François", "Vuillemin", "fr"),
        "founded": 1998,
        "address": ("7 rue Alain Savary, TEMIS", "25000", "Besançon", "27"),
        "served": ["27", "84", "44"],
        "size": (88, 12_000_000, 10_000_000, 16),
        "statement": (
            "Jura Microtechnique Défense usine et assemble des sous-ensembles micromécaniques de "
            "haute précision : gyroscopes, actionneurs miniatures et mécanismes de fusées de "
            "munitions. Notre savoir-faire horloger garantit des tolérances de l'ordre du micron "
            "en grande série. Nous disposons d'une salle propre ISO 7 et d'un laboratoire de "
            "métrologie. Nous co-concevons les pièces avec les bureaux d'études pour en assurer "
            "la fabricabilité."
        ),
        "keywords": ["micromécanique", "usinage de précision", "gyroscope", "métrologie"],
        "cpv": ["38300000", "35600000", "31700000", "38340000"],
        "tech": ["décolletage", "électroérosion", "salle propre ISO 7", "métrologie 3D"],
        "trl": 8,
        "clearance": (1, 48),
        "certs": [("en9100", 15), ("iso9001", 15)],
        "refs": [
            (
                "Safran Electronics & Defense",
                2024,
                2_600_000,
                "38300000",
                "Sous-ensembles de gyroscopes pour centrales inertielles.",
            ),
            (
                "Thales",
                2021,
                1_100_000,
                "35600000",
                "Mécanismes de fusées pour munitions d'artillerie.",
            ),
        ],
    },
    {
        "slug": "chiffre-quantique",
        "name": "Chiffre Quantique SAS",
        "trade": "Chiffre Quantique",
        "contact": ("Camille", "Nguyen", "fr"),
        "founded": 2021,
        "address": ("2 boulevard Thomas Gobert", "91120", "Palaiseau", "11"),
        "served": ["11", "53"],
        "size": (9, 900_000, 3_100_000, 55),
        "statement": (
            "Chiffre Quantique développe des bibliothèques de cryptographie post-quantique "
            "durcies contre les attaques par canaux auxiliaires. Issue de travaux de recherche "
            "menés sur le plateau de Saclay, l'équipe a contribué aux algorithmes retenus dans "
            "les standards internationaux. Nous aidons les industriels à inventorier leurs usages "
            "cryptographiques et à planifier la migration hybride recommandée par l'ANSSI. Nos "
            "implémentations ciblent aussi bien les serveurs que les microcontrôleurs embarqués."
        ),
        "keywords": ["cryptographie post-quantique", "ML-KEM", "canaux auxiliaires"],
        "cpv": ["48732000", "72212730", "73410000"],
        "tech": ["ML-KEM / ML-DSA", "Rust", "C à temps constant", "microcontrôleurs ARM"],
        "trl": 4,
        "certs": [],
        "refs": [
            (
                "Agence de l'innovation de défense (AID)",
                2024,
                150_000,
                "73410000",
                "Démonstrateur de chiffrement hybride post-quantique pour terminal tactique.",
            ),
            (
                "Airbus Defence and Space",
                2025,
                120_000,
                "72212730",
                "Inventaire cryptographique et feuille de route de migration.",
                False,
            ),
        ],
    },
    {
        "slug": "radome-alpes",
        "name": "Radôme Alpes SAS",
        "trade": "Radôme Alpes",
        "contact": ("Sylvain", "Berthier", "fr"),
        "founded": 2002,
        "address": ("31 chemin du Vieux Chêne", "38000", "Grenoble", "84"),
        "served": ["84", "93", "11"],
        "size": (130, 21_000_000, 18_000_000, 21),
        "statement": (
            "Radôme Alpes conçoit des radars compacts en bandes X et Ku pour la surveillance de "
            "sites, la protection de véhicules et la détection de drones. Nos antennes actives à "
            "balayage électronique sont développées et produites en Isère, des modules "
            "hyperfréquences au logiciel de pistage. Nous adaptons nos capteurs aux contraintes "
            "d'intégration de chaque porteur. Nous travaillons avec les laboratoires grenoblois "
            "sur les semi-conducteurs GaN."
        ),
        "keywords": ["radar", "antenne active", "hyperfréquences", "détection de drones"],
        "cpv": ["35722000", "35720000", "32000000", "73410000"],
        "tech": ["AESA", "GaN", "pistage multi-cibles", "bande X"],
        "trl": 7,
        "clearance": (1, 30),
        "certs": [("iso9001", 33), ("en9100", 33)],
        "refs": [
            (
                "Thales",
                2023,
                2_900_000,
                "35722000",
                "Modules d'émission-réception pour radar de surveillance.",
            ),
            (
                "Armée de l'Air et de l'Espace",
                2024,
                1_200_000,
                "35720000",
                "Radars de protection de bases aériennes.",
            ),
            ("CEA", 2019, 200_000, "73410000", "Étude d'amplificateurs GaN.", False),
        ],
    },
    {
        "slug": "egide-antidrones",
        "name": "Égide Lutte Anti-Drones SAS",
        "trade": "Égide",
        "contact": ("Karim", "Haddad", "fr"),
        "founded": 2017,
        "address": ("15 rue du Champ Rond", "45000", "Orléans", "24"),
        "served": ["24", "11", "93", "84"],
        "size": (40, 5_500_000, 4_000_000, 26),
        "statement": (
            "Égide intègre des systèmes de lutte anti-drones combinant détection "
            "radiofréquence, radar, caméras et brouillage ciblé. Notre logiciel de supervision "
            "fusionne les capteurs et propose à l'opérateur une réponse graduée, du suivi à la "
            "neutralisation. Nos systèmes ont protégé de grands événements et des emprises "
            "militaires sensibles. Ils existent en versions fixe, sur véhicule et portable."
        ),
        "keywords": ["lutte anti-drones", "brouillage", "détection RF", "protection de site"],
        "cpv": ["35730000", "35720000", "79710000", "35722000"],
        "tech": ["détection RF passive", "brouilleurs directionnels", "fusion de capteurs"],
        "trl": 7,
        "clearance": (1, 24),
        "certs": [("iso9001", 20)],
        "refs": [
            (
                "Armée de l'Air et de l'Espace",
                2024,
                3_100_000,
                "35730000",
                "Systèmes anti-drones pour la protection de bases aériennes.",
            ),
            (
                "Ministère de l'Intérieur",
                2024,
                1_700_000,
                "35730000",
                "Dispositifs anti-drones pour la sécurité de grands événements sportifs.",
            ),
            (
                "DGA Maîtrise de l'information",
                2021,
                290_000,
                "73430000",
                "Évaluation de techniques de neutralisation de drones.",
            ),
        ],
    },
    {
        "slug": "abyssal-robotics",
        "name": "Abyssal Robotics SAS",
        "trade": "Abyssal Robotics",
        "contact": ("Thomas", "Whitfield", "en"),
        "founded": 2020,
        "address": ("Technopôle de la Mer, 200 avenue de la Tour Royale", "83000", "Toulon", "93"),
        "served": ["93", "53", "52"],
        "size": (38, 4_200_000, 6_800_000, 31),
        "statement": (
            "Abyssal Robotics designs autonomous underwater vehicles for mine countermeasures, "
            "seabed survey and harbour protection. Our vehicles carry synthetic aperture sonar "
            "and run on-board target recognition, reducing the time divers and ships spend in "
            "minefields. The company was founded in Toulon by former naval engineers and is "
            "majority-owned by a British venture fund. We offer vehicles, training and "
            "through-life support, and integrate third-party payloads on request."
        ),
        "keywords": ["AUV", "mine countermeasures", "synthetic aperture sonar", "autonomy"],
        "cpv": ["35500000", "73410000", "35720000", "50640000"],
        "tech": ["autonomous navigation", "SAS sonar", "acoustic modems", "edge AI"],
        "trl": 6,
        "clearance": (1, 30),
        "eu_controlled": False,
        "certs": [("iso9001", 8)],
        "refs": [
            (
                "DGA Techniques navales",
                2024,
                1_500_000,
                "73410000",
                "Demonstration of a mine-hunting AUV with on-board target recognition.",
            ),
            (
                "Naval Group",
                2023,
                700_000,
                "35500000",
                "Payload integration on an autonomous underwater vehicle.",
                False,
            ),
        ],
    },
    {
        "slug": "ttn-textiles",
        "name": "Textiles Techniques du Nord SA",
        "trade": "TTN",
        "contact": ("Véronique", "Delannoy", "fr"),
        "founded": 1954,
        "address": ("102 rue de Lille", "59200", "Tourcoing", "32"),
        "served": ["32", "11", "44"],
        "size": (160, 24_000_000, 19_000_000, 6),
        "statement": (
            "Textiles Techniques du Nord tisse et confectionne des tenues de combat, des gilets "
            "pare-balles et des équipements individuels pour les forces armées et de sécurité. "
            "Nos tissus ignifugés à faible signature infrarouge sont développés dans notre "
            "laboratoire de Tourcoing. Nous maîtrisons toute la chaîne, de la fibre à la "
            "confection, dans les Hauts-de-France. Nos capacités permettent de livrer plusieurs "
            "dizaines de milliers d'effets par an."
        ),
        "keywords": ["tenues de combat", "gilets pare-balles", "textile technique"],
        "cpv": ["35812000", "35812300", "35810000", "18000000"],
        "tech": ["aramide", "polyéthylène UHMW", "camouflage multispectral"],
        "trl": 9,
        "certs": [("iso9001", -4)],
        "refs": [
            (
                "Service du commissariat des armées (SCA)",
                2024,
                6_800_000,
                "35812000",
                "Fourniture de tenues de combat.",
            ),
            (
                "Gendarmerie nationale",
                2022,
                2_200_000,
                "35812300",
                "Gilets pare-balles à port discret.",
            ),
        ],
    },
    {
        "slug": "horizon-pnt",
        "name": "Horizon PNT SAS",
        "trade": "Horizon PNT",
        "contact": ("Sarah", "Mitchell", "en"),
        "founded": 2020,
        "address": ("10 avenue de l'Europe", "31400", "Toulouse", "76"),
        "served": ["76", "75", "11"],
        "size": (26, 3_100_000, 2_600_000, 34),
        "statement": (
            "Horizon PNT develops resilient positioning, navigation and timing for platforms "
            "operating where GNSS is jammed or denied. Our multi-constellation receivers combine "
            "controlled-reception-pattern antennas, inertial sensors and vision-based navigation. "
            "We detect jamming and spoofing in real time and alert the crew. Our team of former "
            "space-industry engineers supports integration on land vehicles, drones and ships."
        ),
        "keywords": ["PNT", "anti-jamming", "GNSS", "spoofing detection"],
        "cpv": ["35710000", "38300000", "73410000", "32500000"],
        "tech": ["CRPA antennas", "MEMS inertial units", "visual odometry"],
        "trl": 6,
        "clearance": (1, 36),
        "certs": [("iso9001", 30)],
        "refs": [
            (
                "DGA Maîtrise de l'information",
                2024,
                680_000,
                "73410000",
                "Anti-jamming GNSS receiver demonstrator for land vehicles.",
            ),
            (
                "Airbus Defence and Space",
                2023,
                240_000,
                "35710000",
                "Spoofing detection module for a drone navigation system.",
            ),
        ],
    },
    {
        "slug": "aquitaine-space-link",
        "name": "Aquitaine Space Link SAS",
        "trade": "ASL",
        "contact": ("Stéphane", "Lacoste", "fr"),
        "founded": 2004,
        "address": ("8 avenue Ariane", "33700", "Mérignac", "75"),
        "served": ["75", "76", "11", "04"],
        "size": (110, 19_000_000, 15_000_000, 13),
        "statement": (
            "Aquitaine Space Link conçoit et déploie des terminaux de communication par satellite "
            "pour les forces : stations projetables, terminaux en mouvement pour véhicules et "
            "kits légers pour les forces spéciales. Nous intégrons modems, antennes et "
            "chiffrement dans des ensembles durcis. Notre centre de support assure la mise en "
            "service et le maintien en condition opérationnelle, en métropole et en opérations."
        ),
        "keywords": ["SATCOM", "terminal en mouvement", "station projetable", "MCO"],
        "cpv": ["32500000", "35631000", "35711000", "51000000"],
        "tech": ["bandes X et Ka", "modems DVB-S2X", "antennes à pointage automatique"],
        "trl": 8,
        "clearance": (2, 34),
        "itar_free": False,
        "certs": [("iso9001", 16), ("aqap2110", 16)],
        "refs": [
            (
                "DIRISI",
                2024,
                4_400_000,
                "32500000",
                "Terminaux SATCOM projetables et soutien associé.",
            ),
            (
                "Airbus Defence and Space",
                2022,
                1_300_000,
                "35631000",
                "Intégration de terminaux sol pour une constellation militaire.",
            ),
            (
                "Commandement des opérations spéciales",
                2020,
                600_000,
                "32500000",
                "Kits SATCOM légers.",
                False,
            ),
        ],
    },
    {
        "slug": "nem-caen",
        "name": "Normandie Électronique Maintenance SARL",
        "trade": "NEM",
        "contact": ("Philippe", "Lecanu", "fr"),
        "founded": 1991,
        "address": ("4 rue Alfred Kastler", "14000", "Caen", "28"),
        "served": ["28", "53", "11"],
        "size": (65, 7_200_000, 5_000_000, 5),
        "statement": (
            "Normandie Électronique Maintenance répare et régénère les cartes et équipements "
            "électroniques des systèmes d'armes en service. Nous traitons les obsolescences par "
            "rétro-ingénierie, re-conception de cartes et requalification. Notre atelier dispose "
            "de bancs de test automatiques. Nous prolongeons ainsi la vie de matériels que leurs "
            "fabricants d'origine ne soutiennent plus."
        ),
        "keywords": ["MCO électronique", "obsolescence", "rétro-ingénierie", "bancs de test"],
        "cpv": ["50660000", "50600000", "31700000"],
        "tech": ["test automatique", "rétro-ingénierie de cartes", "brasage IPC"],
        "trl": 9,
        "clearance": (1, 22),
        "certs": [("iso9001", 19), ("aqap2110", 19)],
        "refs": [
            (
                "SIMMT",
                2023,
                1_900_000,
                "50660000",
                "Réparation de calculateurs de conduite de tir de véhicules.",
            ),
            (
                "SIAé",
                2021,
                800_000,
                "50660000",
                "Régénération de cartes électroniques d'avionique.",
            ),
            ("KNDS France", 2025, 450_000, "31700000", "Re-conception de cartes obsolètes."),
        ],
    },
    {
        "slug": "campus-tactique",
        "name": "Campus Tactique de Champagne SARL",
        "trade": "Campus Tactique",
        "contact": ("Olivier", "Marchal", "fr"),
        "founded": 2016,
        "address": ("Route de Cernay", "51100", "Reims", "44"),
        "served": ["44"],
        "size": (8, 1_100_000, 800_000, 3),
        "statement": (
            "Campus Tactique de Champagne forme les personnels des unités et des industriels aux "
            "savoir-faire opérationnels : secourisme au combat, tir, conduite en environnement "
            "dégradé. Nos instructeurs sont d'anciens militaires. Nous disposons d'un terrain "
            "d'entraînement de 30 hectares près de Reims."
        ),
        "keywords": ["formation", "secourisme au combat", "entraînement tactique"],
        "cpv": ["80510000", "80500000", "35740000"],
        "tech": ["ciné-tir"],
        "trl": None,
        "certs": [("other", 18, "Qualiopi", "AFNOR Certification")],
        "refs": [
            ("Armée de Terre", 2022, 60_000, "80510000", "Formation au secourisme au combat."),
        ],
        "state": "changes",
        "reason": (
            "Précisez votre référence : unité cliente, période et nombre de stagiaires formés. "
            "Indiquez aussi dans votre déclaration de capacités vos agréments de tir."
        ),
    },
    {
        "slug": "fusion-data",
        "name": "Fusion Data Intelligence SA",
        "trade": "FDI",
        "contact": ("Hélène", "Marchetti", "fr"),
        "founded": 2010,
        "address": ("1 place des Saisons", "92400", "Courbevoie", "11"),
        "served": ["11", "53", "93", "76"],
        "size": (290, 52_000_000, 38_000_000, 19),
        "statement": (
            "Fusion Data Intelligence édite des logiciels de renseignement multi-sources : fusion "
            "de données image, électromagnétiques et humaines, analyse de graphes et aide à la "
            "décision. Notre plateforme est déployée dans des centres de renseignement et des "
            "postes de commandement, en réseau classifié comme en mode déconnecté. Nos data "
            "scientists habilités travaillent au plus près des analystes. Nous assurons "
            "l'homologation de nos solutions et leur maintien en condition de sécurité."
        ),
        "keywords": [
            "renseignement multi-sources",
            "fusion de données",
            "ISR",
            "aide à la décision",
        ],
        "cpv": ["35720000", "35710000", "72212000", "72300000"],
        "tech": ["Apache Kafka", "bases de graphes", "apprentissage automatique"],
        "trl": 8,
        "clearance": (3, 28),
        "certs": [("iso27001", 20), ("iso9001", 20)],
        "refs": [
            (
                "Direction du renseignement militaire",
                2024,
                7_500_000,
                "35720000",
                "Plateforme de fusion multi-capteurs pour un centre de renseignement.",
                False,
            ),
            (
                "Thales",
                2022,
                1_800_000,
                "72212000",
                "Module d'analyse de graphes intégré à un système C4ISR.",
            ),
            (
                "DGA",
                2019,
                900_000,
                "35710000",
                "Étude d'architecture d'un système d'aide à la décision.",
            ),
        ],
    },
    {
        "slug": "sentinelle-occitane",
        "name": "Sentinelle Occitane SAS",
        "trade": "Sentinelle Occitane",
        "contact": ("Aurélie", "Fabre", "fr"),
        "founded": 2016,
        "address": ("1025 rue Henri Becquerel", "34000", "Montpellier", "76"),
        "served": ["76", "93", "75"],
        "size": (50, 5_800_000, 3_900_000, 10),
        "statement": (
            "Sentinelle Occitane opère un centre de détection des incidents de sécurité qualifié "
            "PDIS, dédié aux PME et ETI de la base industrielle de défense. Nous supervisons en "
            "continu leurs réseaux bureautiques et industriels et intervenons en cas d'incident. "
            "Nous sensibilisons les équipes et accompagnons nos clients vers l'homologation de "
            "leurs systèmes. Notre modèle mutualisé rend une cybersécurité de niveau défense "
            "accessible aux sous-traitants de rang 2 et 3."
        ),
        "keywords": ["SOC managé", "PDIS", "supervision de sécurité", "sensibilisation"],
        "cpv": ["72212730", "72611000", "72250000", "79710000"],
        "tech": ["SIEM", "EDR", "sondes réseau", "sécurité des systèmes industriels"],
        "trl": 9,
        "clearance": (1, 40),
        "certs": [("iso27001", 12), ("other", 24, "Qualification PDIS", "ANSSI")],
        "refs": [
            (
                "Dassault Aviation",
                2024,
                550_000,
                "72250000",
                "Supervision de sécurité mutualisée pour un groupement de sous-traitants.",
            ),
            (
                "CHU de Montpellier",
                2023,
                210_000,
                "72611000",
                "Détection d'incidents et réponse pour le système d'information hospitalier.",
            ),
            (
                "Région Occitanie",
                2021,
                140_000,
                "72212730",
                "Programme de sensibilisation cyber pour PME industrielles.",
            ),
        ],
    },
    {
        "slug": "neuronaute",
        "name": "Neuronaute SAS",
        "trade": "Neuronaute",
        "contact": ("Daniel", "Okafor", "en"),
        "founded": 2022,
        "address": ("5 allée de l'Île Gloriette", "44000", "Nantes", "52"),
        "served": ["52", "53", "11"],
        "size": (8, 600_000, 1_200_000, 48),
        "statement": (
            "Neuronaute builds embedded artificial intelligence for low-power hardware: FPGA "
            "and microcontroller inference for drones, sensors and soldier systems. Our compiler "
            "turns trained neural networks into code that runs without any network connection. "
            "We cut power consumption by up to ten times compared with GPU solutions. The team "
            "comes from Nantes research labs and works with primes on proof-of-concept projects."
        ),
        "keywords": ["edge AI", "FPGA", "embedded inference", "low power"],
        "cpv": ["73410000", "72212000", "31700000"],
        "tech": ["FPGA", "quantisation", "TinyML", "VHDL"],
        "trl": 5,
        "certs": [],
        "refs": [
            (
                "Agence de l'innovation de défense (AID)",
                2024,
                95_000,
                "73410000",
                "FPGA-based target detection prototype for a small drone.",
            ),
        ],
    },
    {
        "slug": "volta-bivouac",
        "name": "Volta Bivouac SAS",
        "trade": "Volta Bivouac",
        "contact": ("Mathieu", "Girardot", "fr"),
        "founded": 2014,
        "address": ("Techn'Hom, 2 rue de Londres", "90000", "Belfort", "27"),
        "served": ["27", "44", "84"],
        "size": (70, 11_000_000, 8_000_000, 18),
        "statement": (
            "Volta Bivouac conçoit des solutions d'énergie pour les forces déployées : groupes "
            "électrogènes hybrides, batteries militarisées et micro-réseaux de camp. Nos systèmes "
            "réduisent de 30 à 50 % la consommation de carburant des postes de commandement et "
            "leur signature acoustique. Nous assurons l'installation, la formation et le soutien "
            "sur les théâtres d'opérations. Notre bureau d'études travaille avec l'écosystème "
            "hydrogène de la région."
        ),
        "keywords": ["énergie opérationnelle", "micro-réseau", "batteries", "hydrogène"],
        "cpv": ["31000000", "09000000", "35800000"],
        "tech": ["lithium-fer-phosphate", "gestion d'énergie", "piles à combustible"],
        "trl": 7,
        "certs": [("iso9001", 22)],
        "refs": [
            (
                "Service du commissariat des armées (SCA)",
                2023,
                1_400_000,
                "31000000",
                "Groupes électrogènes hybrides pour camps projetables.",
            ),
            (
                "Section technique de l'armée de Terre (STAT)",
                2024,
                320_000,
                "73420000",
                "Démonstrateur de micro-réseau pour poste de commandement.",
            ),
        ],
        "state": "submitted",
    },
    {
        "slug": "composites-balistiques",
        "name": "Composites Balistiques de l'Ain SAS",
        "trade": "CBA",
        "contact": ("Bernard", "Chanel", "fr"),
        "founded": 1999,
        "address": ("Zone industrielle Nord, 14 rue des Plasturgistes", "01100", "Oyonnax", "84"),
        "served": ["84", "27"],
        "size": (95, 15_000_000, 11_000_000, 9),
        "statement": (
            "Composites Balistiques de l'Ain conçoit et fabrique des blindages composites pour "
            "véhicules terrestres, hélicoptères et abris. Nos panneaux céramique-composite "
            "allient protection de niveau STANAG 4569 et faible masse. Nous réalisons les essais "
            "balistiques avec des laboratoires agréés et livrons des kits d'adaptation pour "
            "véhicules en service."
        ),
        "keywords": ["blindage", "composites", "protection balistique", "STANAG 4569"],
        "cpv": ["35400000", "19000000", "44400000"],
        "tech": ["céramiques techniques", "polyéthylène UHMW", "thermocompression"],
        "trl": 8,
        "clearance": (1, 20),
        "certs": [("iso9001", -2)],
        "refs": [
            (
                "Arquus",
                2023,
                2_400_000,
                "35400000",
                "Kits de surblindage pour véhicules tactiques.",
            ),
            (
                "Airbus Helicopters",
                2021,
                700_000,
                "44400000",
                "Planchers blindés pour hélicoptères.",
            ),
        ],
        "state": "changes",
        "reason": (
            "Votre certificat ISO 9001 a expiré : renseignez le certificat renouvelé (numéro et "
            "date d'expiration) ou retirez-le, puis soumettez à nouveau."
        ),
    },
    {
        "slug": "mvtc",
        "name": "Maintenance Véhicules Terrestres du Centre SAS",
        "trade": "MVTC",
        "contact": ("Jean-Luc", "Pasquier", "fr"),
        "founded": 1989,
        "address": ("Zone d'activités de la Malterie", "36000", "Châteauroux", "24"),
        "served": ["24", "75", "27", "44"],
        "size": (150, 21_000_000, 13_000_000, 2),
        "statement": (
            "MVTC assure la maintenance et la régénération de véhicules militaires à roues et à "
            "chenilles : révision des groupes motopropulseurs, carrosserie, peinture et remise à "
            "niveau des équipements. Notre site de 25 000 m² traite plus de 300 véhicules par an. "
            "Nos équipes interviennent aussi en régiment pour la maintenance de proximité. Nous "
            "gérons les rechanges et la configuration de chaque véhicule."
        ),
        "keywords": ["MCO terrestre", "régénération de véhicules", "pièces de rechange"],
        "cpv": ["35400000", "50600000", "34000000"],
        "tech": ["diagnostic moteur", "peinture à faible signature", "gestion de configuration"],
        "trl": 9,
        "clearance": (1, 32),
        "certs": [("iso9001", 10), ("aqap2110", 10)],
        "refs": [
            (
                "SIMMT",
                2024,
                8_500_000,
                "50600000",
                "Régénération de véhicules blindés de retour d'opérations.",
            ),
            (
                "Arquus",
                2022,
                1_900_000,
                "35400000",
                "Préparation et mise à niveau de véhicules avant livraison.",
            ),
        ],
    },
    {
        "slug": "optique-picarde",
        "name": "Optique de Précision Picarde SARL",
        "trade": "OPP",
        "contact": ("Christine", "Dufour", "fr"),
        "founded": 1978,
        "address": ("22 rue Vulfran Warmé", "80000", "Amiens", "32"),
        "served": ["32", "11", "93"],
        "size": (58, 7_000_000, 6_500_000, 11),
        "statement": (
            "Optique de Précision Picarde fabrique lentilles, prismes et fenêtres optiques pour "
            "le visible et l'infrarouge, en germanium, séléniure de zinc et silice. Nous "
            "réalisons le polissage, les traitements antireflet et durs, et le contrôle "
            "interférométrique. Nos composants équipent viseurs, jumelles de vision nocturne et "
            "conduites de tir. Nous produisons prototypes comme séries de plusieurs milliers de "
            "pièces."
        ),
        "keywords": ["optique de précision", "infrarouge", "germanium", "traitements optiques"],
        "cpv": ["38600000", "38650000", "38300000"],
        "tech": ["interférométrie", "traitements sous vide", "usinage diamant"],
        "trl": 9,
        "certs": [("iso9001", 26)],
        "refs": [
            (
                "Safran Electronics & Defense",
                2024,
                1_100_000,
                "38600000",
                "Lentilles en germanium pour caméras thermiques.",
            ),
            ("Thales", 2020, 500_000, "38600000", "Fenêtres optiques traitées pour viseurs."),
        ],
    },
    {
        "slug": "cyberrange-academy",
        "name": "CyberRange Academy SAS",
        "trade": "CyberRange Academy",
        "contact": ("Lucas", "Schmitt", "fr"),
        "founded": 2021,
        "address": ("3 rue Marconi, Technopôle", "57000", "Metz", "44"),
        "served": ["44", "11", "32"],
        "size": (12, 1_300_000, 1_800_000, 24),
        "statement": (
            "CyberRange Academy propose un champ de tir cyber pour entraîner les équipes de "
            "défense face à des attaques réalistes, sur des répliques de systèmes d'information "
            "et de systèmes industriels. Les scénarios rejouent des modes opératoires observés et "
            "sont notés automatiquement. Nous formons opérateurs de SOC, administrateurs et "
            "décideurs lors d'exercices de crise. La plateforme est disponible en ligne ou "
            "installée chez le client sur réseau isolé."
        ),
        "keywords": ["cyber range", "entraînement cyber", "exercice de crise", "formation SOC"],
        "cpv": ["80510000", "72212730", "35740000"],
        "tech": ["virtualisation", "émulation de réseaux industriels", "scénarios d'attaque"],
        "trl": 7,
        "clearance": (1, 30),
        "certs": [],
        "refs": [
            (
                "COMCYBER",
                2024,
                210_000,
                "80510000",
                "Exercices d'entraînement pour équipes de lutte informatique défensive.",
            ),
            (
                "Université de Lorraine",
                2023,
                60_000,
                "80500000",
                "Plateforme d'entraînement pour un master en cybersécurité.",
            ),
        ],
        "state": "submitted",
    },
    {
        "slug": "asmb-lorient",
        "name": "Acoustique Sous-Marine de Bretagne SAS",
        "trade": "ASMB",
        "contact": ("Gwenaël", "Le Floch", "fr"),
        "founded": 1996,
        "address": ("Rue Commandant l'Herminier", "56100", "Lorient", "53"),
        "served": ["53", "93", "52"],
        "size": (85, 13_000_000, 10_000_000, 20),
        "statement": (
            "ASMB conçoit et fabrique transducteurs, hydrophones et antennes acoustiques pour "
            "sonars de coque, sonars remorqués et bouées. Nous disposons d'une cuve d'essais et "
            "d'un moyen d'étalonnage en rade de Lorient. Notre équipe maîtrise la chaîne "
            "complète, de la céramique piézoélectrique au traitement d'antenne. Nous réparons et "
            "requalifions aussi des antennes en service."
        ),
        "keywords": ["sonar", "hydrophones", "transducteurs", "acoustique sous-marine"],
        "cpv": ["35720000", "35500000", "38300000", "50640000"],
        "tech": ["céramiques piézoélectriques", "antennes linéaires remorquées", "surmoulage"],
        "trl": 8,
        "clearance": (2, 26),
        "certs": [("iso9001", 21), ("aqap2110", 21)],
        "refs": [
            (
                "Thales",
                2024,
                3_200_000,
                "35720000",
                "Hydrophones pour antennes linéaires remorquées.",
            ),
            (
                "Naval Group",
                2022,
                1_500_000,
                "35500000",
                "Transducteurs de sonar de coque pour sous-marins.",
                False,
            ),
            (
                "Service de soutien de la flotte (SSF)",
                2020,
                400_000,
                "50640000",
                "Réparation d'antennes acoustiques.",
            ),
        ],
    },
    {
        "slug": "tactis-c2",
        "name": "Tactis C2 SAS",
        "trade": "Tactis",
        "contact": ("Arnaud", "de Villiers", "fr"),
        "founded": 2008,
        "address": ("12 rue de l'Orangerie", "78000", "Versailles", "11"),
        "served": ["11", "44", "93", "24"],
        "size": (140, 22_000_000, 17_000_000, 23),
        "statement": (
            "Tactis C2 développe des logiciels de commandement et de contrôle tactiques pour les "
            "postes de commandement de brigade et de groupement. Notre suite assure la "
            "planification, le suivi de situation et la diffusion des ordres sur réseaux à "
            "faible débit. Elle est interopérable avec les standards OTAN et les radios en "
            "service. Nous assurons l'intégration sur véhicules, la formation et le soutien en "
            "exercice."
        ),
        "keywords": ["C2 tactique", "poste de commandement", "interopérabilité OTAN"],
        "cpv": ["35712000", "35711000", "72212000", "72260000"],
        "tech": ["Java", "MIP", "réseaux à faible débit", "cartographie"],
        "trl": 9,
        "clearance": (2, 42),
        "certs": [("iso9001", 14), ("iso27001", 14)],
        "refs": [
            (
                "Armée de Terre",
                2024,
                4_800_000,
                "35712000",
                "Logiciel de C2 pour postes de commandement de groupement tactique interarmes.",
            ),
            (
                "KNDS France",
                2023,
                1_200_000,
                "72260000",
                "Intégration du logiciel de C2 dans un véhicule de commandement.",
            ),
            (
                "DGA",
                2017,
                700_000,
                "35711000",
                "Démonstrateur d'interopérabilité de systèmes de commandement.",
            ),
        ],
    },
    {
        "slug": "aerostructures-bearn",
        "name": "Aérostructures du Béarn SA",
        "trade": "Aérostructures du Béarn",
        "contact": ("Isabelle", "Larrieu", "fr"),
        "founded": 1985,
        "address": ("Avenue Larribau", "64000", "Pau", "75"),
        "served": ["75", "76"],
        "size": (380, 85_000_000, 62_000_000, 8),
        "statement": (
            "Aérostructures du Béarn fabrique des pièces et sous-ensembles composites et "
            "métalliques pour avions de combat, hélicoptères et drones. Nous maîtrisons le "
            "drapage automatisé, la cuisson en autoclave, l'usinage et l'assemblage. Nos clients "
            "nous confient des ensembles complets : carénages, trappes et panneaux de fuselage. "
            "Nous investissons dans les composites thermoplastiques et la réparation de pièces "
            "composites."
        ),
        "keywords": ["aérostructures", "composites", "autoclave", "assemblage"],
        "cpv": ["34700000", "35610000", "35613000", "44400000"],
        "tech": ["drapage automatisé", "composites thermoplastiques", "contrôle par ultrasons"],
        "trl": 9,
        "clearance": (1, 36),
        "certs": [("en9100", 24), ("iso9001", 24)],
        "refs": [
            (
                "Dassault Aviation",
                2025,
                9_500_000,
                "35610000",
                "Trappes et carénages composites pour avion de combat.",
            ),
            ("Airbus Helicopters", 2022, 4_100_000, "34700000", "Panneaux de fuselage composites."),
            ("Safran", 2019, 1_600_000, "44400000", "Pièces composites de nacelle.", False),
        ],
    },
    {
        "slug": "sante-ope",
        "name": "Santé Opérationnelle Innovation SAS",
        "trade": "SOI Médical",
        "contact": ("Nadia", "Belkacem", "fr"),
        "founded": 2018,
        "address": ("27 boulevard Jean Moulin", "13005", "Marseille", "93"),
        "served": ["93", "76", "84"],
        "size": (30, 4_300_000, 3_500_000, 19),
        "statement": (
            "Santé Opérationnelle Innovation développe des dispositifs médicaux durcis et une "
            "solution de télémédecine pour la prise en charge des blessés à l'avant. Nos "
            "moniteurs portables transmettent les constantes vitales au médecin régulateur par "
            "satellite ou par radio. Certifiés hébergeur de données de santé, nous équipons aussi "
            "des services d'urgence hospitaliers. Nos produits sont marqués CE et conçus avec "
            "des médecins militaires."
        ),
        "keywords": ["télémédecine", "médecine de l'avant", "dispositifs médicaux"],
        "cpv": ["33000000", "85000000", "72212000"],
        "tech": ["moniteurs multiparamétriques", "transmission satellitaire"],
        "trl": 7,
        "certs": [("other", 18, "ISO 13485", "GMED"), ("hds", 20)],
        "refs": [
            (
                "Service de santé des armées (SSA)",
                2024,
                900_000,
                "33000000",
                "Moniteurs de télémédecine pour équipes médicales de l'avant.",
            ),
            (
                "Assistance Publique – Hôpitaux de Marseille",
                2022,
                280_000,
                "85000000",
                "Télésurveillance des patients pris en charge par le SAMU.",
            ),
            (
                "Bataillon de marins-pompiers de Marseille",
                2020,
                120_000,
                "33000000",
                "Moniteurs portables pour équipes d'intervention.",
            ),
        ],
    },
    {
        "slug": "geomatique-ope",
        "name": "Géomatique Opérationnelle SARL",
        "trade": "GéoOps",
        "contact": ("Pierre", "Bonnardot", "fr"),
        "founded": 2013,
        "address": ("6 rue Sully", "21000", "Dijon", "27"),
        "served": ["27", "11"],
        "size": (9, 1_500_000, 1_100_000, 25),
        "statement": (
            "Géomatique Opérationnelle produit du renseignement géospatial à partir d'imagerie "
            "satellitaire optique et radar. Nous détectons les changements sur des zones "
            "d'intérêt, cartographions les infrastructures et produisons des modèles de terrain "
            "pour la préparation de mission. Nos chaînes de traitement automatisées livrent des "
            "produits moins de 24 heures après l'acquisition."
        ),
        "keywords": ["GEOINT", "imagerie satellitaire", "détection de changements"],
        "cpv": ["35631200", "72300000", "73000000"],
        "tech": ["imagerie radar (SAR)", "QGIS", "modèles numériques de terrain"],
        "trl": 7,
        "certs": [],
        "refs": [
            (
                "CNES",
                2023,
                180_000,
                "73000000",
                "Chaîne de détection automatique de changements sur imagerie radar.",
            ),
            (
                "Airbus Defence and Space",
                2024,
                240_000,
                "72300000",
                "Production de cartes de préparation de mission.",
                False,
            ),
        ],
        "state": "submitted",
    },
    {
        "slug": "logiqopex",
        "name": "Logiq'Opex SARL",
        "trade": "Logiq'Opex",
        "contact": ("Sébastien", "Mazeyrie", "fr"),
        "founded": 2017,
        "address": (
            "Parc d'activités du Teinchurier, 9 rue Jean Perrin",
            "19100",
            "Brive-la-Gaillarde",
            "75",
        ),
        "served": ["75", "84", "76"],
        "size": (7, 1_200_000, 700_000, 8),
        "statement": (
            "Logiq'Opex conçoit des solutions de traçabilité et de conditionnement pour la "
            "logistique des forces en opérations. Nos étiquettes RFID durcies et notre "
            "application de suivi donnent en temps réel l'état et la position des lots expédiés "
            "vers les théâtres. Nous conditionnons aussi des matériels sensibles en emballages "
            "homologués. Petite équipe réactive, nous intervenons sous 48 heures partout en "
            "France."
        ),
        "keywords": ["logistique opérationnelle", "RFID", "traçabilité", "conditionnement"],
        "cpv": ["63000000", "79714100", "60000000"],
        "tech": ["RFID UHF", "application mobile", "emballages homologués"],
        "trl": 8,
        "certs": [("iso9001", 31)],
        "refs": [
            (
                "Service du commissariat des armées (SCA)",
                2024,
                180_000,
                "63000000",
                "Traçabilité RFID des lots de rechanges vers les théâtres d'opérations.",
            ),
            ("KNDS France", 2022, 75_000, "63000000", "Conditionnement de lots de maintenance."),
        ],
        "state": "submitted",
    },
    {
        "slug": "evasion-drones",
        "name": "Évasion Drones Loisirs EURL",
        "trade": "Évasion Drones",
        "contact": ("Kevin", "Lefebvre", "fr"),
        "founded": 2020,
        "address": ("8 rue Gambetta", "62000", "Arras", "32"),
        "served": ["32"],
        "size": (4, 350_000, 200_000, 5),
        "statement": (
            "Évasion Drones Loisirs vend et répare des drones grand public, propose des baptêmes "
            "de pilotage et des prises de vue aériennes pour les mariages et événements. Nous "
            "sommes passionnés d'aéromodélisme depuis quinze ans. Nous aimerions travailler avec "
            "l'armée."
        ),
        "keywords": ["drones de loisir", "prise de vue aérienne", "réparation"],
        "cpv": ["34711200", "37000000"],
        "tech": ["quadricoptères grand public"],
        "trl": None,
        "certs": [],
        "refs": [
            (
                "Mairie d'Arras",
                2023,
                3_000,
                "92000000",
                "Prises de vue aériennes pour une fête municipale.",
            ),
        ],
        "state": "rejected",
        "reason": (
            "Activité sans lien avec la défense (drones de loisir, prises de vue "
            "événementielles) : Passerelle est réservé aux fournisseurs de la base industrielle "
            "et technologique de défense."
        ),
    },
    {
        # Claims the SIREN of Penn-Ar Cyber (approved above, so this row must stay after it): it
        # waits in the queue flagged as a SIREN conflict; approving it is refused by design.
        "slug": "pennar-conseil",
        "name": "PennAr Conseil",
        "trade": "PennAr Conseil",
        "contact": ("Ronan", "Kerjean", "fr"),
        "founded": 2019,
        "address": ("5 place Gambetta", "56000", "Vannes", "53"),
        "served": ["53"],
        "size": (6, 500_000, 300_000, 0),
        "statement": (
            "PennAr Conseil accompagne les collectivités et les PME du Morbihan dans leur mise en "
            "conformité en cybersécurité. Nous réalisons des diagnostics, des audits "
            "organisationnels et des sessions de sensibilisation. Nous souhaitons proposer nos "
            "services aux sous-traitants de la défense."
        ),
        "keywords": ["conseil cyber", "sensibilisation", "diagnostic"],
        "cpv": ["72220000", "72212730"],
        "tech": ["analyse de risques EBIOS RM"],
        "trl": None,
        "certs": [],
        "refs": [
            (
                "Golfe du Morbihan – Vannes agglomération",
                2023,
                25_000,
                "72220000",
                "Diagnostic de cybersécurité et sensibilisation des agents.",
            ),
        ],
        "state": "submitted",
        "claims": "penn-ar-cyber",
    },
]

# Default issuer and certificate-number pattern per certification type ({y}: year of issue,
# {n}: digits from the SIREN).
CERTIFICATION_ISSUERS = {
    "iso9001": [("AFNOR Certification", "AFAQ-{y}/{n}"), ("Bureau Veritas", "FR0{n}-1")],
    "en9100": [("Bureau Veritas", "FR0{n}-EN"), ("AFNOR Certification", "AFAQ-EN-{y}/{n}")],
    "iso27001": [("LNE", "LNE-ISMS-{y}-{n}"), ("AFNOR Certification", "AFAQ-SI-{y}/{n}")],
    "aqap2110": [("Bureau Veritas", "AQAP-{y}-{n}")],
    "secnumcloud": [("ANSSI", "ANSSI-SNC-{y}/{n}")],
    "passi": [("ANSSI", "PASSI-{y}-{n}")],
    "hds": [("AFNOR Certification", "HDS-{y}-{n}")],
    "other": [("", "{y}-{n}")],
}

# Where each client of the demo references has the sites a contract would be performed at
# (INSEE département codes). A reference takes the client's site in the supplier's own
# département, else in its region, else the first one; HEAD_OFFICE: wherever the supplier is
# (a unit or regional office near it, or work done on its premises); a client left out (secret
# or national work) gives no place of performance.
HEAD_OFFICE = "*"
CLIENT_SITES: dict[str, list[str]] = {
    "Agence de l'innovation de défense (AID)": [HEAD_OFFICE],
    "Airbus Defence and Space": ["31", "78"],
    "Airbus Helicopters": ["13"],
    "ArianeGroup": ["33", "18", "78"],
    "Armée de Terre": [HEAD_OFFICE],
    "Armée de l'Air et de l'Espace": ["45", "40", "13", "69", "52"],
    "Arquus": ["87", "91", "44", "58"],
    "Assistance Publique – Hôpitaux de Marseille": ["13"],
    "Bataillon de marins-pompiers de Marseille": ["13"],
    "CEA": ["38", "91", "37"],
    "CHU de Lille": ["59"],
    "CHU de Montpellier": ["34"],
    "CHU de Rennes": ["35"],
    "CNES": ["31"],
    "COMCYBER": ["75", "35"],
    "Chantiers de l'Atlantique": ["44"],
    "Commandement de l'entraînement de l'armée de Terre": ["10"],
    "DGA": ["75"],
    "DGA Maîtrise NRBC": ["91"],
    "DGA Maîtrise de l'information": ["35"],
    "DGA Techniques navales": ["83", "29"],
    "DGA Techniques terrestres": ["18"],
    "DIRISI": [HEAD_OFFICE],
    "Dassault Aviation": ["33", "64", "13", "92"],
    "Direction de la maintenance aéronautique (DMAé)": [HEAD_OFFICE],
    "Direction générale de la sécurité civile": ["92"],
    "Gendarmerie nationale": [HEAD_OFFICE],
    "Golfe du Morbihan – Vannes agglomération": ["56"],
    "KNDS France": ["78", "18", "42"],
    "MBDA France": ["18", "41", "92"],
    "Mairie d'Arras": ["62"],
    "Marine nationale": ["83", "29"],
    "Naval Group": ["29", "56", "83", "50", "44"],
    "Région Occitanie": ["31", "34"],
    "SGDSN – Viginum": ["75"],
    "SIAé": ["63", "33", "83", "29", "01"],
    "SIMMT": ["78"],
    "Safran": ["64", "91", "33"],
    "Safran Electronics & Defense": ["91", "03", "21", "35", "26", "86"],
    "Section technique de l'armée de Terre (STAT)": [HEAD_OFFICE],
    "Service de santé des armées (SSA)": [HEAD_OFFICE],
    "Service de soutien de la flotte (SSF)": ["29", "83", "56"],
    "Service du commissariat des armées (SCA)": [HEAD_OFFICE],
    "Thales": ["78", "29", "35", "33", "31", "38", "59", "92", "06", "49", "26"],
    "Université de Lorraine": ["54", "57"],
}

APPROVAL_REASONS = [
    "SIREN vérifié dans le répertoire Sirene ; références cohérentes.",
    "Profil complet ; certifications vérifiées auprès des organismes.",
    "Références contrôlées auprès des clients cités.",
    "Identité, effectifs et habilitation déclarée vérifiés.",
]


def siren_of(index: int) -> str:
    base = f"{84_100_000 + 104_729 * index:08d}"
    return base + luhn.calc_check_digit(base)


def siret_of(siren: str) -> str:
    """The head-office SIRET: the SIREN and the first NIC from 00010 with a valid checksum."""
    return next(f"{siren}{nic:05d}" for nic in count(10) if siret_std.is_valid(f"{siren}{nic:05d}"))


def _in_months(months: float) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=round(months * 30.44))


def _profile_data(row: dict, siren: str) -> dict:
    street, postal_code, city, region = row["address"]
    headcount, turnover, balance_sheet, rd_share = row["size"]
    level, months = row.get("clearance", (0, None))
    return {
        "legal_name": row["name"],
        "trade_name": row["trade"],
        "siren": siren,
        "siret": siret_of(siren),
        "year_founded": row["founded"],
        "website": f"https://{row['slug']}.example",
        "address": street,
        "postal_code": postal_code,
        "city": city,
        "region": Region.objects.get(code=region),
        "regions_served": row["served"],
        "headcount": headcount,
        "annual_turnover_eur": turnover,
        "balance_sheet_eur": balance_sheet,
        "rd_share_percent": rd_share,
        "capability_statement": row["statement"],
        "statement_language": row["contact"][2],
        "keywords": row["keywords"],
        "cpv_codes": row["cpv"],
        "technologies": row["tech"],
        "trl": row["trl"],
        "clearance_level": level,
        "clearance_expires_on": _in_months(months) if level else None,
        "itar_free": row.get("itar_free", True),
        "eu_controlled": row.get("eu_controlled", True),
    }


def _certification(spec: tuple, siren: str) -> dict:
    kind, months, *other = spec
    choices = CERTIFICATION_ISSUERS[kind]
    issuer, pattern = choices[int(siren[-2]) % len(choices)]
    name, issuer = other or ("", issuer)
    expires_on = _in_months(months)
    number = pattern.format(y=expires_on.year - 3, n=siren[2:8])
    return {
        "type": kind,
        "name": name,
        "number": number,
        "issuer": issuer,
        "expires_on": expires_on,
    }


def _reference(spec: tuple, head_office: str, regions: dict[str, str]) -> dict:
    """REGIONS: the region of each département of the reference data (none loaded: the
    references get no place of performance)."""
    reference = {"is_public": True, **dict(zip(services.REFERENCE_FIELDS, spec, strict=False))}
    return {**reference, "departement_id": _site(spec[0], head_office, regions)}


def _site(client: str, head_office: str, regions: dict[str, str]) -> str | None:
    sites = [head_office if s == HEAD_OFFICE else s for s in CLIENT_SITES.get(client, [])]
    sites = [s for s in sites if s in regions]
    region = regions.get(head_office)
    ranked = sorted(sites, key=lambda site: (site != head_office, regions[site] != region))
    return ranked[0] if ranked else None


def _reference_data_missing() -> set[str]:
    regions = {r["address"][3] for r in SUPPLIERS} | {c for r in SUPPLIERS for c in r["served"]}
    references = {ref[3] for r in SUPPLIERS for ref in r["refs"]}
    cpv = {c for r in SUPPLIERS for c in r["cpv"]} | references
    found = set(Region.objects.filter(code__in=regions).values_list("code", flat=True))
    found |= set(CpvCode.objects.filter(code__in=cpv).values_list("code", flat=True))
    return (regions | cpv) - found


def _create_supplier(
    row: dict, siren: str, index: int, password: str, moderator: User, regions: dict[str, str]
) -> None:
    email = f"contact@{row['slug']}.example"
    first_name, last_name, language = row["contact"]
    user = User.objects.create(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    organization = supplier_register(user=user, company_name=row["name"], siren=siren)
    profile = services.profile_get_working(organization=organization)
    profile = services.profile_update(profile=profile, data=_profile_data(row, siren), by=user)
    certifications = [_certification(spec, siren) for spec in row["certs"]]
    services.profile_set_certifications(profile=profile, items=certifications, by=user)
    head_office = departement_of_postal_code(row["address"][1])
    references = [_reference(spec, head_office, regions) for spec in row["refs"]]
    services.profile_set_references(profile=profile, items=references, by=user)
    profile = services.profile_submit(profile=profile, by=user)

    state, reason = row.get("state", "approved"), row.get("reason", "")
    if state == "changes":
        services.profile_request_changes(profile=profile, by=moderator, reason=reason)
    elif state == "rejected":
        services.profile_reject(profile=profile, by=moderator, reason=reason)
    elif state != "submitted":
        approval = APPROVAL_REASONS[index % len(APPROVAL_REASONS)]
        profile = services.profile_approve(profile=profile, by=moderator, reason=approval)
        if state == "suspended":
            live = SupplierProfile.objects.get(organization=organization, is_live=True)
            services.profile_suspend(live=live, by=moderator, reason=reason)
        elif state == "revision":
            services.profile_update(profile=profile, data=row["revision"], by=user)


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo suppliers that do not exist yet (a company is known by its contact email,
    or by its SIREN and name); return how many were created. Needs the reference data (regions,
    CPV codes; the départements, when loaded, give the references a place of performance) and the
    demo moderator of `portal.demo`."""
    created = {"suppliers": 0}
    missing = _reference_data_missing()
    if missing:
        logger.warning(
            "Demo suppliers skipped: %d region or CPV code(s) missing (%s…); run "
            "`manage.py load_reference` first.",
            len(missing),
            ", ".join(sorted(missing)[:5]),
        )
        return created
    moderator = User.objects.get(email=MODERATOR_EMAIL, platform_role=User.PlatformRole.MODERATOR)
    sirens = {row["slug"]: siren_of(index) for index, row in enumerate(SUPPLIERS)}
    password = None
    regions = dict(Departement.objects.values_list("code", "region_id"))
    for index, row in enumerate(SUPPLIERS):
        siren = sirens[row.get("claims", row["slug"])]
        if (
            User.objects.filter(email=f"contact@{row['slug']}.example").exists()
            or Organization.objects.filter(siren=siren, name=row["name"]).exists()
        ):
            continue
        password = password or make_password(DEMO_PASSWORD)  # hashed once: ~0.2 s per hash
        _create_supplier(row, siren, index, password, moderator, regions)
        created["suppliers"] += 1
    return created
