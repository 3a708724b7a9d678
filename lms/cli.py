"""The `flask --app wsgi lms …` commands."""

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from lms.clock import utcnow
from lms.core.errors import RuleError
from lms.extensions import db
from lms.localized import LANGUAGES
from lms.models import RevocationReason

lms_cli = AppGroup("lms", help="Promotores LMS: demo data, accounts, cohorts, course checks.")
user_cli = AppGroup("user", help="Accounts.")
cohort_cli = AppGroup("cohort", help="Cohorts.")
course_cli = AppGroup("course", help="The course on disk.")
gift_cli = AppGroup("gift", help="GIFT quiz files (Moodle's format).")
certs_cli = AppGroup("certs", help="Certificates and their signing keys.")
for group in (user_cli, cohort_cli, course_cli, gift_cli, certs_cli):
    lms_cli.add_command(group)


@lms_cli.command("demo")
@click.option("--scale", type=click.IntRange(min=0), default=0,
              help="Also add N finished cohorts of 30 trainees with full histories (for benchmarks).")
@click.option("--cohort-size", type=click.IntRange(min=1, max=2000), default=30, show_default=True,
              help="Trainees in each --scale cohort.")
def demo_command(scale, cohort_size):
    """Create the demo cohorts, accounts and progress (running it again changes nothing)."""
    from lms import demo
    report = demo.load_demo()
    click.echo(report)
    if scale:
        from sqlalchemy import select

        from lms.content.loader import current_course
        from lms.demo.scale import add_scale_cohorts
        from lms.models import User
        password_hash = db.session.scalar(select(User.password_hash).where(User.username == "demo-trainee"))
        with click.progressbar(length=scale, label="scale cohorts", file=sys.stderr) as bar:
            added = add_scale_cohorts(scale, current_course(), password_hash,
                                      progress=lambda done: bar.update(1), size=cohort_size)
        click.echo(f"added {scale} cohorts, {added} trainees")


@user_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Full name as printed on certificates.")
@click.option("--role", type=click.Choice(["trainee", "facilitator", "coordinator", "verifier", "admin"]),
              default="trainee", show_default=True)
@click.option("--cohort-id", type=int, help="The cohort of a trainee.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="es", show_default=True)
@click.password_option(help="At least 10 characters, not a common one.")
def user_create(username, display_name, role, cohort_id, lang, password):
    """Create an account."""
    from lms.core.accounts import create_user
    from lms.core.passwords import password_problem
    from lms.models import Cohort, Enrollment

    problem = password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        raise click.BadParameter(str(problem), param_hint="--password")
    cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
    if role == "trainee" and cohort is None:
        raise click.BadParameter("a trainee needs an existing --cohort-id", param_hint="--cohort-id")
    try:
        user = create_user(username=username, display_name=display_name, password=password, role=role, locale=lang)
    except RuleError as error:
        raise click.BadParameter(str(error.message), param_hint="--username") from None
    if cohort is not None:
        db.session.add(Enrollment(user=user, cohort=cohort))
    db.session.commit()
    click.echo(f"created {user.role} {user.username} (id {user.id})")


@cohort_cli.command("create")
@click.option("--name", required=True)
@click.option("--start-date", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Date of the first workshop, YYYY-MM-DD.")
@click.option("--facilitator", "facilitators", multiple=True, help="Username of a facilitator (repeatable).")
def cohort_create(name, start_date, facilitators):
    """Create a cohort and print its invite code."""

    from sqlalchemy import select

    from lms.core.calendar import EARLIEST_DATE, LATEST_DATE, date_in_range
    from lms.manage import services
    from lms.models import User

    if not date_in_range(start_date.date()):
        raise click.BadParameter(f"choose a date between {EARLIEST_DATE} and {LATEST_DATE}", param_hint="--start-date")
    ids = []
    for username in facilitators:
        user = db.session.scalar(select(User).where(User.username == username.lower()))
        if user is None or user.role != "facilitator":
            raise click.BadParameter(f"{username} is not a facilitator", param_hint="--facilitator")
        ids.append(user.id)
    cohort = services.create_cohort(None, name=name, start_date=start_date.date(),
                                    course_slug=current_app.config["COURSE_SLUG"], facilitator_ids=ids,
                                    now=utcnow(), invite_days=current_app.config["INVITE_CODE_DAYS"])
    db.session.commit()
    click.echo(f"created cohort {cohort.id}: {cohort.name}")
    click.echo(f"invite code: {services.format_invite_code(cohort.invite_code)}")


@course_cli.command("check")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def course_check(path):
    """List every problem of the course (default: the app's course) and exit 1 if there is any."""
    from lms.content.loader import check_course, load_course

    root = path or Path(current_app.config["COURSES_DIR"]) / current_app.config["COURSE_SLUG"]
    problems = check_course(root)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {root}", err=True)
        sys.exit(1)
    course = load_course(root)
    questions = sum(len(w.quiz.questions_es) for w in course.weeks)
    from lms.content.lint import KEY_LONGEST_LIMIT, KNOWN_FINDINGS, key_length_summary, lint
    click.echo(f"the key is the longest option (single-answer questions; fails above {KEY_LONGEST_LIMIT:.0%}):")
    for line in key_length_summary(course, root):
        click.echo(line)
    allowed = [finding for finding in lint(course, root) if str(finding) in KNOWN_FINDINGS]
    if allowed:
        click.echo(f"{len(allowed)} item-writing finding(s) allowed for now (KNOWN_FINDINGS in lms/content/lint.py)")
    click.echo(f"{course.slug}: {len(course.weeks)} weeks, {questions} quiz questions, version {course.version} — OK")


@gift_cli.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the parsed questions as a JSON list.")
def gift_check(file, as_json):
    """Parse a GIFT file: a summary per question type, or JSON; exit 1 naming the line if it is malformed."""
    from collections import Counter

    from lms.content.gift import GiftError, parse_gift, question_to_dict

    try:
        questions = parse_gift(file.read_text(encoding="utf-8-sig"), source=str(file))
    except GiftError as error:
        click.echo(f"{file}: line {error.line}: {error.message}", err=True)
        sys.exit(1)
    except UnicodeDecodeError:
        click.echo(f"{file}: line 1: not a UTF-8 text file", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps([question_to_dict(q) for q in questions], ensure_ascii=False, indent=2))
        return
    for qtype, count in sorted(Counter(q.type for q in questions).items()):
        click.echo(f"{qtype}: {count}")
    click.echo(f"{len(questions)} question(s) — OK")


@gift_cli.command("export")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path), default="gift-export")
def gift_export(dest):
    """Write every week's quiz, in both languages, as GIFT files Moodle can import."""
    from lms.content.gift import write_gift
    from lms.content.loader import current_course

    course = current_course()
    dest.mkdir(parents=True, exist_ok=True)
    for week in course.weeks:
        for lang in LANGUAGES:
            target = dest / f"{course.slug}-w{week.number:02d}.{lang}.gift"
            header = f"// {week.title(lang)}\n$CATEGORY: $course$/{course.slug}/w{week.number:02d}-{lang}\n\n"
            target.write_text(header + write_gift(week.quiz.questions(lang)), encoding="utf-8")
    click.echo(f"wrote {len(course.weeks) * 2} files to {dest}")


@certs_cli.command("init-key")
def certs_init_key():
    """Create the first signing key in instance/keys/ (refuses if one exists)."""
    from lms.core.certificates.keys import KeyExistsError
    from lms.core.certificates.services import key_store
    try:
        key = key_store().init_key()
    except KeyExistsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"signing key created: {key.kid}")


@certs_cli.command("rotate-key")
def certs_rotate_key():
    """Start signing with a new key; the old one stays published, so its certificates keep verifying."""
    from lms.core.certificates.services import key_store
    key = key_store().rotate()
    click.echo(f"new active signing key: {key.kid}")


@certs_cli.command("issue")
@click.option("--username", required=True)
@click.option("--name", "printed_name", help="Name as printed (default: the account's full name).")
def certs_issue(username, printed_name):
    """Issue a certificate to a trainee who completed the course."""

    from sqlalchemy import select

    from lms.content.loader import current_course
    from lms.core.certificates import services
    from lms.core.certificates.codes import format_code
    from lms.core.progress import progress_of
    from lms.models import User

    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None or user.enrollment is None:
        raise click.BadParameter("no trainee with that username", param_hint="--username")
    now, course = utcnow(), current_course()
    try:
        cert = services.issue(None, user.enrollment, course, printed_name=printed_name or user.display_name,
                              now=now, progress=progress_of(user.enrollment, course, now))
    except RuleError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"certificate issued: {format_code(cert.code)}")


@certs_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, type=click.Choice([r.value for r in RevocationReason]))
def certs_revoke(code, reason):
    """Revoke a certificate by its code (the record stays, marked REVOCADO)."""

    from sqlalchemy import select

    from lms.core.certificates import services
    from lms.core.certificates.codes import check_code
    from lms.models import Certificate

    checked = check_code(code)
    cert = db.session.scalar(select(Certificate).where(Certificate.code == checked.code)) if checked.code else None
    if cert is None:
        raise click.BadParameter("no certificate with that code (or the code has a typing mistake)")
    try:
        services.revoke(None, cert, reason, utcnow())
    except RuleError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"revoked: {code}")


@certs_cli.command("verify-offline")
@click.argument("qr_text")
@click.option("--jwks", "jwks_file", required=True, type=click.File("r", encoding="utf-8"),
              help="The published keys (/.well-known/jwks.json), saved to a file.")
@click.option("--revocations", "revocations_file", type=click.File("r", encoding="utf-8"),
              help="The signed revocation list (/status/revocations.json), saved to a file.")
@click.option("--issuer", "issuer_url", help="The issuer's public address (default: the one the revocation list "
              "names); a QR pointing elsewhere is reported as wrong_host.")
def certs_verify_offline(qr_text, jwks_file, revocations_file, issuer_url):
    """Check the text of a certificate's QR code with no server (revoked, suspended or valid by the
    signed list, if given); exit 1 unless it is valid."""
    from lms.clock import utcnow
    from lms.core.certificates.tokens import RevocationListError, verify_qr_text, verify_revocation_list

    jwks = json.load(jwks_file)
    revoked = suspended = ()
    if revocations_file is not None:
        try:
            revocations = verify_revocation_list(json.load(revocations_file), jwks)
        except RevocationListError as error:
            raise click.ClickException(f"revocation list rejected: {error}") from None
        revoked, suspended = revocations.code_hashes, revocations.suspended_hashes
        issuer_url = issuer_url or revocations.issuer or None
        if revocations.is_stale(utcnow()):
            click.echo(f"warning: the revocation list was due for renewal on {revocations.next_update.isoformat()}; "
                       "a certificate revoked since is not in it. Fetch /status/revocations.json again.", err=True)
    result = verify_qr_text(qr_text, jwks, revoked, issuer_url, suspended)
    click.echo(f"status: {result.status}")
    if result.claims is not None:
        c = result.claims
        click.echo(f"name: {c.name}\ncourse: {c.course}\nhours: {c.hours}\nissued: {c.issued.isoformat()}")
    sys.exit(0 if result.status == "valid" else 1)


@lms_cli.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def backup_command(dest):
    """Back up the database (safe while the app runs) and the signing keys into the folder DEST."""
    from lms.backup import BackupError, backup
    try:
        manifest = backup(dest)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written to {dest}: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables")


@lms_cli.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces the database and keys with the backup. Continue?")
def restore_command(src):
    """Restore the database and signing keys from a backup folder made by `lms backup`."""
    from lms.backup import BackupError, restore, row_counts
    try:
        manifest = restore(src)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    counts = row_counts()
    missing = {t: n for t, n in manifest["rows"].items() if counts.get(t) != n}
    if missing:
        raise click.ClickException(f"restored, but row counts differ: {missing}")
    click.echo(f"restored from {src}: {sum(counts.values())} rows")


def init_app(app: Flask) -> None:
    app.cli.add_command(lms_cli)
