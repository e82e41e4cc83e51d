"""WTForms validators shared by the blueprints, with French (translatable) messages."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as siret_module
from wtforms import Field
from wtforms.validators import ValidationError

DEPARTEMENTS = (
    {f"{n:02d}" for n in range(1, 96) if n != 20}
    | {"2A", "2B"}
    | {
        "971",
        "972",
        "973",
        "974",
        "976",
    }
)


def password_strength_problem(password: str, min_length: int = 12) -> str | None:
    """CNIL guidance (délibération 2022-100): 12+ characters with upper and lower case letters,
    digits and special characters, or 14+ characters with three of those four kinds."""
    kinds = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if len(password) < min_length:
        return "too_short"
    if kinds == 4 or (len(password) >= min_length + 2 and kinds >= 3):
        return None
    return "too_simple"


class StrongPassword:
    def __call__(self, form: Any, field: Field) -> None:
        min_length = current_app.config["PASSWORD_MIN_LENGTH"]
        problem = password_strength_problem(field.data or "", min_length)
        if problem == "too_short":
            raise ValidationError(
                _l("Le mot de passe doit contenir au moins %(n)s caractères.", n=min_length)
            )
        if problem == "too_simple":
            raise ValidationError(
                _l(
                    "Le mot de passe doit mêler majuscules, minuscules, chiffres et caractères "
                    "spéciaux (ou compter au moins %(n)s caractères avec trois de ces types).",
                    n=min_length + 2,
                )
            )


def normalise_siret(value: str) -> str:
    return "".join(value.split())


class Siret:
    def __call__(self, form: Any, field: Field) -> None:
        value = normalise_siret(field.data or "")
        try:
            siret_module.validate(value)
        except stdnum_errors.InvalidLength:
            raise ValidationError(_l("Un numéro SIRET compte 14 chiffres.")) from None
        except stdnum_errors.ValidationError:
            raise ValidationError(
                _l("Ce numéro SIRET n'est pas valide (vérifiez les chiffres).")
            ) from None
        field.data = value


class Departement:
    def __call__(self, form: Any, field: Field) -> None:
        value = (field.data or "").strip().upper()
        if value and value not in DEPARTEMENTS:
            raise ValidationError(_l("Indiquez un numéro de département (par exemple 13 ou 2A)."))
        field.data = value


class CpvCodes:
    """A text input listing CPV codes separated by spaces, commas or semicolons; each code
    must be in the imported CPV list. Sets `field.cpv_codes` to the matching rows."""

    def __init__(self, required: bool = False) -> None:
        self.required = required

    def __call__(self, form: Any, field: Field) -> None:
        from app.services.sourcing import cpv

        resolved = cpv.resolve_codes(field.data or "")
        field.cpv_codes = list(resolved.codes)  # type: ignore[attr-defined]
        if len(resolved.unknown) == 1:
            raise ValidationError(
                _l(
                    "Le code CPV « %(code)s » ne figure pas dans la nomenclature CPV.",
                    code=resolved.unknown[0],
                )
            )
        if resolved.unknown:
            raise ValidationError(
                _l(
                    "Ces codes CPV ne figurent pas dans la nomenclature CPV\u202f: %(codes)s.",
                    codes=", ".join(resolved.unknown),
                )
            )
        if self.required and not resolved.codes:
            raise ValidationError(_l("Indiquez au moins un code CPV."))
