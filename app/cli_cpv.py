"""`flask cpv import FILE`: load the official CPV list (CSV or XLSX) into `cpv_codes`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db

cpv_cli = AppGroup("cpv", help="CPV reference (Common Procurement Vocabulary).")


@cpv_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def cpv_import(file: Path) -> None:
    """Upsert the codes of FILE (columns CODE, FR, EN) in one transaction.

    Any bad line: every error is listed with its line and column, nothing is written and the
    command exits with status 1.
    """
    from app.matching.cpv import load_cpv
    from app.matching.errors import FileImportError
    from app.services.sourcing import cpv

    try:
        reference = load_cpv(file)
    except FileImportError as error:
        for message in error.messages("fr"):
            click.echo(message, err=True)
        click.echo(f"{len(error.errors)} erreur(s)\u202f: rien n'a été importé.", err=True)
        raise SystemExit(1) from None
    try:
        counts = cpv.import_reference(reference)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(
        f"{len(reference)} codes CPV\u202f: {counts.created} ajoutés, {counts.updated} mis à jour, "
        f"{counts.unchanged} inchangés."
    )
