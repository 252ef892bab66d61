"""`feedgen translations …` (extract, status, check, approve, compile) and `feedgen translate`.

Thin Click layer over feedgen.i18n: exit 0 when all is well, 1 when the work is incomplete or a
check failed (below --fail-under, lint errors, a translate run that stopped early), 2 when an
input cannot be used (the same contract as `feedgen build`).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from feedgen.cli import options as o
from feedgen.errors import SetupError
from feedgen.i18n import DOMAINS, MESSAGES, PRODUCTS
from feedgen.i18n.backends import ENGINES, BackendError, make_backend
from feedgen.i18n.catalogues import approve, catalogue_languages, po_path, pot_path, status_of, write_catalogue
from feedgen.i18n.masking import Masker
from feedgen.i18n.project import I18nProject
from feedgen.i18n.review import compile_catalogue, language_status, lint_catalogue
from feedgen.i18n.sources import ui_template
from feedgen.i18n.translate import LanguagePlan, execute, plan
from feedgen.config.paths import ProjectPaths

PREVIEW = 70


def _today() -> date:
    return date.today()


def _project(options: dict) -> I18nProject:
    """The project described by project_options (consumed from `options`): the catalogue is read like build reads it."""
    return I18nProject(o.project_paths(options), options.pop("catalogue_format"))


def _domains(domain: str) -> tuple[str, ...]:
    return DOMAINS if domain == "all" else (domain,)


@click.group("translations")
def translations() -> None:
    """Gettext catalogues in locales/: extract, status, check, compile."""


# ----------------------------------------------------------------------------- extract
@translations.command("extract")
@o.project_options_without_mapping_alias
@click.option("-l", "--languages", help="Comma-separated languages; default: the markets' plus existing folders.")
@click.option("--babel-cfg", "--mapping", "babel_cfg", type=o.PATH,
              help="babel.cfg for UI strings (default: ./babel.cfg if present); its folder is the source root. "
                   "`--mapping` is its older name.")
def extract(languages, babel_cfg, **options) -> None:
    """Write products.pot and bring every products.po up to date (like `pybabel update`).

    New texts are added untranslated, changed texts keep their old translation marked fuzzy (with the
    previous source as `#|`), vanished texts become obsolete (`#~`). With a babel.cfg, UI strings
    from templates go to messages.pot / messages.po the same way.
    """
    project = _project(options)
    domains = [(PRODUCTS, project.template(PRODUCTS))]
    mapping = babel_cfg or (Path("babel.cfg") if Path("babel.cfg").exists() else None)
    if mapping is not None:
        domains.append((MESSAGES, ui_template(mapping, mapping.parent, project.project_name(MESSAGES))))
    for domain, template in domains:
        if domain == MESSAGES and not len(template):
            click.echo(f"no UI strings found with {mapping}: messages.pot not written")
            continue
        path = pot_path(project.locales, domain)
        _report_write(path, write_catalogue(path, template, domain), f"{len(template)} source texts")
        for language in project.languages(domain, o.split(languages), present=True):
            catalog = project.catalogue(language, domain, template)
            path = po_path(project.locales, language, domain)
            _report_write(path, write_catalogue(path, catalog, domain), f"{len(catalog.obsolete)} obsolete")


def _report_write(path: Path, changed: bool, detail: str) -> None:
    click.echo(f"{'wrote' if changed else 'unchanged'} {path} ({detail})")


# ----------------------------------------------------------------------------- status
@translations.command("status")
@o.project_options
@click.option("--domain", type=click.Choice(DOMAINS + ("all",)), default="all", show_default=True,
              help="Which catalogues: product text, UI strings (messages) or both.")
@click.option("-l", "--languages", help="Comma-separated languages; default: the markets'.")
@click.option("--fail-under", type=click.FloatRange(0, 100), help="Exit 1 if any language is less than this % reviewed.")
@click.option("--list", "list_entries", is_flag=True, help="Also name every entry that is not reviewed (msgctxt, status, text).")
def status(domain, languages, fail_under, list_entries, **options) -> None:
    """Per language: reviewed / machine / fuzzy / missing counts against the current source texts.

    Regional catalogues a market reads (en_US, en_GB, nb_NO over nb) are overrides: they are counted
    over the entries they hold, so their percentage says how much of the override is reviewed."""
    project = _project(options)
    failing = []
    for name in _domains(domain):
        if name == MESSAGES and not pot_path(project.locales, MESSAGES).exists() and domain == "all":
            continue
        keys = project.sources(name)
        click.echo(f"{name}: {len(keys)} source texts ({project.source_language})")
        click.echo(f"{'language':9} {'reviewed':>8} {'machine':>8} {'fuzzy':>6} {'missing':>8} {'unused':>7} {'reviewed %':>11}")
        requested = o.split(languages)
        listed = []
        for language in project.languages(name, requested) + ([] if requested else project.variant_folders(name)):
            override = project.is_override(language, name)
            row = language_status(project.locales, language, name, keys, override=override)
            counts = row.counts
            note = "" if row.exists else "  (no catalogue)"
            note += f"  (override of {language.split('_')[0]}: counts the {row.total} entries it holds)" if override else ""
            listed.append(row)
            click.echo(f"{language:9} {counts['reviewed']:>8} {counts['machine']:>8} {counts['fuzzy']:>6} "
                       f"{counts['missing']:>8} {row.unused:>7} {row.reviewed_percent:>10.1f}%{note}")
            if fail_under is not None and row.reviewed_percent < fail_under:
                failing.append(f"{name}/{language} {row.reviewed_percent:.1f}%")
        if list_entries:
            for row in listed:
                for (context, msgid), state in row.unreviewed:
                    text = msgid.replace("\n", " ⏎ ")
                    preview = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
                    click.echo(f"  {row.language:6} {state:8} {context or '-':32} {preview}")
        for folder in project.unused_folders(name):
            click.echo(f"warning: {po_path(project.locales, folder, name)} is read by no market "
                       f"(market languages: {', '.join(project.market_languages())})")
    if failing:
        click.echo(f"below --fail-under {fail_under:g}%: {', '.join(failing)}", err=True)
        sys.exit(1)


# ----------------------------------------------------------------------------- check and compile
def _catalogue_files(data_dir: Path, locales: Path | None, domain: str) -> list[tuple[str, str, Path]]:
    folder = ProjectPaths(data_dir=data_dir, locales=locales).locales_dir
    return [(name, language, po_path(folder, language, name))
            for name in _domains(domain) for language in catalogue_languages(folder, name)]


def folder_options(function):
    """check and compile read only the catalogue folder: --data (for locales/ next to it), --locales, --domain."""
    domain = click.option("--domain", type=click.Choice(DOMAINS + ("all",)), default="all", show_default=True,
                          help="Which catalogues: product text, UI strings (messages) or both.")
    return o._apply(function, [o.data, o.locales, domain])


@translations.command("check")
@folder_options
def check(data_dir, locales, domain) -> None:
    """Lint every catalogue: syntax, placeholders, injected markup, bare %, channel limits, msgfmt --check."""
    files = _catalogue_files(data_dir, locales, domain)
    findings = sorted(f for name, language, path in files for f in lint_catalogue(path, name, language))
    for finding in findings:
        click.echo(finding.one_line())
    errors = sum(1 for f in findings if f.severity == "error")
    click.echo(f"{len(files)} catalogue(s) checked: {errors} error(s), {len(findings) - errors} warning(s)")
    sys.exit(1 if errors else 0)


@translations.command("approve")
@o.project_options
@click.option("-l", "--languages", required=True, help="Comma-separated languages whose machine translations you reviewed.")
@click.option("--reviewer", required=True, help="Your name, as it should stand in `# Reviewed: NAME DATE`.")
@click.option("--domain", type=click.Choice(DOMAINS), default=PRODUCTS, show_default=True)
@click.option("--context", "prefix", default="", help="Only entries whose msgctxt starts with this, e.g. AS-1009: or campaign:.")
def approve_command(languages, reviewer, domain, prefix, **options) -> None:
    """Mark the machine translations you have reviewed as reviewed, keeping where they came from.

    Clears the fuzzy flag of each machine entry (fuzzy + `# MT:`, for the current source text) and adds
    `# Reviewed: REVIEWER DATE` beside the `# MT:` line. Entries fuzzy for any other reason (a changed
    source text) are left alone: they need an edit, not a stamp."""
    project = _project(options)
    if not reviewer.strip():
        raise click.BadParameter("must name a person", param_hint="--reviewer")
    for language in o.split(languages) or []:
        catalog = project.catalogue(language, domain)
        chosen = [m for m in catalog if m.id and status_of(m) == "machine" and (m.context or "").startswith(prefix)]
        for message in chosen:
            approve(message, reviewer.strip(), _today())
        path = po_path(project.locales, language, domain)
        if chosen:
            write_catalogue(path, catalog, domain)
        click.echo(f"{language}: {len(chosen)} machine translation(s) approved by {reviewer.strip()} in {path}")


@translations.command("compile")
@folder_options
def compile_command(data_dir, locales, domain) -> None:
    """Write .mo files next to each .po: reviewed entries only, entries failing the checks left out."""
    problems = 0
    for name, language, path in _catalogue_files(data_dir, locales, domain):
        left_out = compile_catalogue(path, name, language)
        problems += len(left_out)
        click.echo(f"compiled {path.with_suffix('.mo')}" + (f" (left out, failing checks: {', '.join(left_out)})" if left_out else ""))
    sys.exit(1 if problems else 0)


# ----------------------------------------------------------------------------- translate
def _options(pairs: tuple[str, ...]) -> dict[str, object]:
    options: dict[str, object] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--option")
        options[key] = {"true": True, "false": False}.get(value.lower(), value)
    return options


@click.command("translate")
@o.project_options
@click.option("-l", "--languages", help="Comma-separated languages; default: every market language but the source.")
@click.option("-b", "--backend", type=click.Choice(tuple(ENGINES)), default="google", show_default=True,
              help="deep-translator engine.")
@click.option("--domain", type=click.Choice(DOMAINS), default=PRODUCTS, show_default=True)
@click.option("--dry-run", is_flag=True, help="List what would be sent and its size per language; send nothing.")
@click.option("--limit", type=click.IntRange(min=0), help="Send at most this many entries in this run.")
@click.option("--option", "engine_options", multiple=True, metavar="KEY=VALUE",
              help="Extra engine argument, e.g. region=westeurope (microsoft), custom_url=… (libre).")
@click.option("--pause", type=click.FloatRange(min=0), default=0.5, show_default=True, help="Seconds between requests.")
@click.option("--timeout", type=click.FloatRange(min=1), default=20, show_default=True, help="Seconds to wait for an answer.")
def translate(languages, backend, domain, dry_run, limit, engine_options, pause, timeout, **options) -> None:
    """Machine-translate only the missing catalogue entries, written as fuzzy for review.

    Placeholders, markup and do-not-translate terms (the brand, locales/do-not-translate.txt) are
    masked; identical texts are sent once; a reviewed translation of the same text is reused free.
    API keys come from the environment (MICROSOFT_API_KEY, LIBRE_API_KEY, DEEPL_API_KEY).
    """
    project = _project(options)
    try:
        engine = make_backend(backend, options=_options(engine_options), pause=pause, timeout=timeout)
        targets = project.languages(domain, o.split(languages))
        for language in [project.source_language] + targets:
            engine.check_language(language)
        if not dry_run:
            engine.preflight()
        template = project.template(domain)
        catalogs = {language: project.catalogue(language, domain, template) for language in targets}
        plans = plan(catalogs, Masker(domain, project.terms()), engine.max_chars, limit)
    except BackendError as error:  # no API key, a language the engine lacks: nothing was sent
        raise SetupError(str(error)) from None
    if dry_run:
        _print_plan(plans, backend)
        stale = project.out_of_date(domain, template, targets)
        if stale:
            click.echo("\nrun `feedgen translations extract` first: the catalogues on disk are behind the source texts")
            for note in stale:
                click.echo(f"  {note}")
        return
    if ENGINES[backend].note:
        click.echo(f"note: {backend}: {ENGINES[backend].note}", err=True)

    def save(language: str) -> None:
        write_catalogue(po_path(project.locales, language, domain), catalogs[language], domain)

    outcome = execute(plans, engine, project.source_language, domain, today=_today(), save=save,
                      plurals=lambda language: catalogs[language].num_plurals,
                      progress=lambda message: click.echo(f"… {message}", err=True))
    for language_plan in plans:
        language = language_plan.language
        sent = outcome.sent_characters.get(language, 0)
        click.echo(f"{language}: {outcome.filled.get(language, 0)} of {len(language_plan.jobs)} entries filled "
                   f"({sent} characters sent)" + (f", {language_plan.deferred} left by --limit" if language_plan.deferred else ""))
    for language, context, why in outcome.rejected:
        click.echo(f"rejected {language} {context}: {why}", err=True)
    if outcome.stopped:
        click.echo(f"stopped: {outcome.stopped}. Everything translated so far is saved (fuzzy).", err=True)
    sys.exit(0 if outcome.complete else 1)


def _print_plan(plans: list[LanguagePlan], backend: str) -> None:
    for language_plan in plans:
        for job in language_plan.jobs:
            if job.memory is not None:
                click.echo(f"{language_plan.language:5} {job.context:24} reuses the reviewed text of {job.memory_from} (free)")
                continue
            text = " ⏎ ".join(job.pieces)
            preview = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
            click.echo(f"{language_plan.language:5} {job.context:24} {preview}")
    click.echo(f"\ndry run, backend {backend}: nothing was sent")
    click.echo(f"{'language':9} {'entries':>8} {'reused':>7} {'strings':>8} {'characters':>11} {'deferred':>9}")
    for p in plans:
        click.echo(f"{p.language:9} {len(p.jobs) - p.from_memory:>8} {p.from_memory:>7} {len(p.unique_pieces):>8} "
                   f"{p.characters:>11} {p.deferred:>9}")
    click.echo(f"{'total':9} {sum(len(p.jobs) - p.from_memory for p in plans):>8} {sum(p.from_memory for p in plans):>7} "
               f"{sum(len(p.unique_pieces) for p in plans):>8} {sum(p.characters for p in plans):>11} "
               f"{sum(p.deferred for p in plans):>9}")
