#!/usr/bin/env python3
"""Screenshots of Entremise's main pages, for docs/screenshots/ (`make screenshots`).

Serves the demo event as the browser tests do (tests/browser/conftest.py: a SQLite file, the
app in a thread on 127.0.0.1), schedules it with the real engine and publishes the agenda,
then logs in as each demo account in Debian's Chromium (/usr/bin/chromium, never a
downloaded browser) and saves one PNG per page: 1280 px wide (375 px for the phone view),
cut at MAX_HEIGHT, reduced to a 256-colour palette so the files stay small in git. The
README.md of the folder is written from the same list, so it always matches the files.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--lang fr|en]
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, serve_demo  # noqa: E402

PASSWORD = "Demo-Entremise-2026"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
MAX_HEIGHT = 2200  # px: long pages are cut, the top is what a reader looks at


@dataclass(frozen=True)
class Shot:
    """One screenshot: file name, who is logged in, the page, what it shows, the screen."""

    name: str
    account: str | None
    path: str
    caption: str
    viewport: dict[str, int]


def shots(version_id: int, company_id: int) -> list[Shot]:
    """The main pages, in the order of the README. Ids come from the served demo."""
    organiser, buyer, company = (
        "organisateur@example.org",
        "acheteur@example.org",
        "entreprise@example.org",
    )
    return [
        Shot("home.png", None, "/", "Home page: the public events", DESKTOP),
        Shot("event.png", None, "/evenements/1", "Public event page", DESKTOP),
        Shot("needs.png", None, "/evenements/1/besoins", "Public catalogue of needs", DESKTOP),
        Shot("dashboard-company.png", company, "/tableau-de-bord", "Company dashboard", DESKTOP),
        Shot("dashboard-buyer.png", buyer, "/tableau-de-bord", "Buyer dashboard", DESKTOP),
        Shot(
            "dashboard-organiser.png",
            organiser,
            "/tableau-de-bord",
            "Organiser dashboard",
            DESKTOP,
        ),
        Shot(
            "agenda-grid.png",
            organiser,
            f"/organisation/versions/{version_id}",
            "Agenda review grid (slots × tables)",
            DESKTOP,
        ),
        Shot(
            "participant-agenda.png",
            organiser,
            f"/organisation/versions/{version_id}/participants/{company_id}",
            "One participant's agenda",
            DESKTOP,
        ),
        Shot(
            "selection.png", organiser, "/evenements/1/selection", "Selection of companies", DESKTOP
        ),
        Shot(
            "phone-agenda.png",
            company,
            "/tableau-de-bord",
            "A company's agenda on a phone (375 px)",
            PHONE,
        ),
        Shot("accessibility.png", None, "/accessibilite", "Accessibility statement", DESKTOP),
    ]


def schedule_and_publish(time_limit: float):
    """A `prepare` step for serve_demo: run the CP-SAT engine, publish its version."""

    def prepare(event) -> None:
        from app.extensions import db
        from app.models import Event, EventStatus, JobKind
        from app.services.agenda import jobs, schedules

        db.session.commit()
        job = jobs.enqueue(event.id, JobKind.GENERATE, time_limit=time_limit, actor_id=None)
        db.session.commit()
        done = jobs.run_job(job.id)
        if done is None or done.version is None:
            raise SystemExit("the scheduling run made no version")
        schedules.publish(done.version.id, actor_id=None)
        db.session.get(Event, event.id).status = EventStatus.PUBLISHED

    return prepare


def demo_ids(app) -> tuple[int, int]:
    """The published version's id and the demo company's participant id."""
    from app.extensions import db
    from app.models import Participant, ScheduleVersion, User

    with app.app_context():
        version = db.session.scalars(
            db.select(ScheduleVersion).order_by(ScheduleVersion.id.desc())
        ).first()
        user = db.session.scalars(
            db.select(User).where(User.email == "entreprise@example.org")
        ).one()
        participant = db.session.scalars(
            db.select(Participant).where(
                Participant.organisation_id == user.organisation_id,
                Participant.event_id == version.event_id,
            )
        ).one()
        return version.id, participant.id


def log_in(page: Page, email: str) -> None:
    page.goto("/compte/connexion")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/tableau-de-bord")


def save_small_png(png: bytes, target: Path) -> None:
    """Cut at MAX_HEIGHT, reduce to a 256-colour palette, write an optimised PNG."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > MAX_HEIGHT:
        image = image.crop((0, 0, image.width, MAX_HEIGHT))
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(target, format="PNG", optimize=True)


def write_readme(out: Path, taken: list[Shot], lang: str) -> None:
    lines = [
        "# Screenshots",
        "",
        "The main pages of Entremise with the demo event, written by `make screenshots`",
        f"(`scripts/screenshots.py`; interface language: {lang}). Do not edit the images by",
        "hand: run the command again after changing a page.",
        "",
        "| file | page | account |",
        "|---|---|---|",
    ]
    for shot in taken:
        who = f"`{shot.account}`" if shot.account else "visitor"
        lines.append(f"| [{shot.name}]({shot.name}) | {shot.caption} (`{shot.path}`) | {who} |")
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver seconds")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log on the console

    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_demo(Path(tmp), schedule_and_publish(args.time_limit)) as (url, app),
        sync_playwright() as playwright,
    ):
        version_id, company_id = demo_ids(app)
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        taken = shots(version_id, company_id)
        for shot in taken:
            context = browser.new_context(
                base_url=url,
                viewport=shot.viewport,
                locale=f"{args.lang}-FR",
                device_scale_factor=1,
            )
            page = context.new_page()
            page.goto(f"/langue/{args.lang}")
            if shot.account:
                log_in(page, shot.account)
            page.goto(shot.path)
            save_small_png(page.screenshot(full_page=True), args.out / shot.name)
            print(f"{shot.name}: {(args.out / shot.name).stat().st_size // 1024} KiB")
            context.close()
        browser.close()
    write_readme(args.out, taken, args.lang)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
