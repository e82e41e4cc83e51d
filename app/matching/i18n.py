"""French-first messages of the matching core, with English as the second language.

The core cannot use Flask-Babel (it is Flask-free), so it keeps its own small
catalogue: every explanation is stored as a message code plus parameters, and
rendered here. Numbers use the French decimal comma in French, and French text puts a
narrow no-break space (U+202F) before « : ; ! ? » and « % », as French typography wants.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

Lang = Literal["fr", "en"]

# code -> (French template, English template); parameters are str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # locations in files
    "where": ("ligne {line}, colonne {column}", "line {line}, column {column}"),
    # CPV reference import
    "cpv_not_a_code": ("« {value} » n'est pas un code CPV", "'{value}' is not a CPV code"),
    "cpv_missing_column": ("colonne absente de l'en-tête", "column missing from the header"),
    "cpv_empty_label": ("libellé vide", "empty label"),
    "cpv_duplicate": (
        "le code {value} figure déjà ligne {first_line}",
        "code {value} already appears on line {first_line}",
    ),
    "file_empty": ("le fichier est vide", "the file is empty"),
    "file_unreadable": ("fichier illisible\u202f: {detail}", "unreadable file: {detail}"),
    "file_encoding": (
        "le fichier n'est ni en UTF-8 ni en Windows-1252 (Latin-1)\u202f; "
        "enregistrez-le au format « CSV UTF-8 »",
        "the file is neither UTF-8 nor Windows-1252 (Latin-1); save it as 'CSV UTF-8'",
    ),
    # tabular imports
    "required": ("valeur obligatoire manquante", "required value missing"),
    "missing_column": (
        "colonne obligatoire absente de l'en-tête",
        "required column missing from the header",
    ),
    "duplicate": ("doublon de la ligne {first_line}", "duplicate of line {first_line}"),
    "siret_invalid": ("numéro SIRET invalide", "invalid SIRET number"),
    "email_invalid": ("adresse électronique invalide", "invalid e-mail address"),
    "size_invalid": (
        "catégorie d'entreprise inconnue « {value} » (attendu\u202f: micro, PME, ETI ou GE)",
        "unknown company size '{value}' (expected: micro, PME, ETI or GE)",
    ),
    "departement_invalid": ("département inconnu « {value} »", "unknown département '{value}'"),
    "boolean_invalid": ("« {value} » n'est ni oui ni non", "'{value}' is neither yes nor no"),
    "cpv_unknown": ("code CPV inconnu « {value} »", "unknown CPV code '{value}'"),
    "cpv_check_digit": (
        "le chiffre de contrôle de « {value} » ne correspond pas à la nomenclature ({expected})",
        "the check digit of '{value}' does not match the reference ({expected})",
    ),
    "too_long": (
        "texte trop long ({length} caractères, {max} au plus)",
        "text too long ({length} characters, at most {max})",
    ),
    # score parts
    "cpv_match": (
        "Le code CPV {code} correspond au besoin « {need} » au niveau {level_fr}\u202f: {points}",
        "CPV {code} matches need '{need}' at {level_en} level: {points}",
    ),
    "text_similarity": (
        "L'offre de l'entreprise est proche du besoin « {need} » "
        "(similarité {similarity})\u202f: {points}",
        "The company's offer is close to need '{need}' (similarity {similarity}): {points}",
    ),
    "wish": (
        "L'entreprise demande à rencontrer « {target} » (vœu\u202f: {wish_fr})\u202f: {points}",
        "The company asks to meet '{target}' (wish: {wish_en}): {points}",
    ),
    "answer": (
        "L'acheteur « {buyer} » a répondu {answer_fr}\u202f: {points}",
        "Buyer '{buyer}' answered {answer_en}: {points}",
    ),
    "invitation": (
        "L'acheteur « {buyer} » invite l'entreprise\u202f: {points}",
        "Buyer '{buyer}' invites the company: {points}",
    ),
    "mutual": (
        "Intérêt réciproque avec « {buyer} »\u202f: {points}",
        "Mutual interest with '{buyer}': {points}",
    ),
    "priority_ess": (
        "L'entreprise relève de l'ESS\u202f: {points} (priorité fixée par l'organisateur)",
        "The company belongs to the social and solidarity economy (ESS): {points} "
        "(priority set by the organiser)",
    ),
    "priority_siae": (
        "L'entreprise est une structure d'insertion (SIAE)\u202f: {points} "
        "(priorité fixée par l'organisateur)",
        "The company is a work-integration enterprise (SIAE): {points} "
        "(priority set by the organiser)",
    ),
    "priority_small": (
        "L'entreprise est une {size_fr}\u202f: {points} (priorité fixée par l'organisateur)",
        "The company is a {size_en}: {points} (priority set by the organiser)",
    ),
    "priority_local": (
        "L'entreprise est implantée dans le département {departement}\u202f: {points} "
        "(priorité fixée par l'organisateur)",
        "The company is based in département {departement}: {points} "
        "(priority set by the organiser)",
    ),
    "priority_first_time": (
        "L'entreprise participe pour la première fois\u202f: {points} "
        "(priorité fixée par l'organisateur)",
        "The company takes part for the first time: {points} (priority set by the organiser)",
    ),
    # selection decisions
    "selected": (
        "sélectionnée\u202f: score {score}, rang {rank}",
        "selected: score {score}, rank {rank}",
    ),
    "selected_for_quota": (
        "sélectionnée pour respecter le quota « {quota} »\u202f: score {score}, rang {rank}",
        "selected to meet the {quota} quota: score {score}, rank {rank}",
    ),
    "selected_forced": ("sélectionnée par l'organisateur", "selected by the organiser"),
    "waitlisted_capacity": (
        "liste d'attente\u202f: capacité atteinte (score {score}, rang {rank})",
        "waitlisted: capacity reached (score {score}, rank {rank})",
    ),
    "waitlisted_quota": (
        "liste d'attente\u202f: place cédée pour respecter le quota « {quota} » "
        "(score {score}, rang {rank})",
        "waitlisted: place given up to meet the {quota} quota (score {score}, rank {rank})",
    ),
    "declined_forced": ("refusée par l'organisateur", "declined by the organiser"),
    "declined_no_meeting": (
        "refusée\u202f: aucun rendez-vous possible "
        "(aucun vœu, ou tous les acheteurs ont répondu non)",
        "declined: no meeting possible (no wish, or every buyer answered no)",
    ),
    "declined_score": (
        "refusée\u202f: score {score} négatif (un acheteur a refusé)",
        "declined: negative score {score} (a buyer said no)",
    ),
    "quota_shortfall": (
        "quota « {quota} » impossible à atteindre\u202f: {share} des {selected} entreprises "
        "sélectionnables = {needed} nécessaires, seulement {eligible} candidatures éligibles "
        "(il en manque {shortfall})",
        "the {quota} quota cannot be met: {share} of {selected} selectable companies = "
        "{needed} needed, only {eligible} eligible applications (short by {shortfall})",
    ),
}

LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "division": ("de la division", "division"),
    "group": ("du groupe", "group"),
    "class": ("de la classe", "class"),
    "category": ("de la catégorie", "category"),
    "subcategory": ("de la sous-catégorie", "sub-category"),
}


def render(code: str, params: Mapping[str, str], lang: Lang = "fr") -> str:
    """Render message `code` with `params` in `lang` (French by default)."""
    french, english = MESSAGES[code]
    return (french if lang == "fr" else english).format(**params)


def format_number(value: Decimal, lang: Lang = "fr") -> str:
    """`Decimal('2.40')` -> '2,4' in French, '2.4' in English (no trailing zeros)."""
    text = f"{value.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "fr" else text


def format_points(value: Decimal, lang: Lang = "fr") -> str:
    """Signed points: '+0,4', '-0,5', '0'."""
    text = format_number(value, lang)
    return f"+{text}" if value > 0 else text


def format_share(value: Decimal, lang: Lang = "fr") -> str:
    """A share as a percentage: Decimal('0.3') -> '30\u202f%' (French) or '30%' (English)."""
    number = format_number(value * 100, lang)
    return f"{number}\u202f%" if lang == "fr" else f"{number}%"


def fold(text: str) -> str:
    """Lower-case and strip accents, so that 'Élagage' and 'elagage' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
