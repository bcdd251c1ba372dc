"""The ``locaudit`` command line.

Results go to stdout (or ``-o FILE``, written atomically), diagnostics to stderr. Exit codes
follow the contract: 0 ran (even if some records are ``error``), 1 internal failure, 2 usage
error (bad option, unreadable input). Note text never appears in an error message.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import click

from locaudit.__about__ import __version__

PATTERNS_OPTION = click.option(
    "--patterns",
    "patterns_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Use this copy of the patterns/ folder instead of the packaged rules.",
)
REDACT_OPTION = click.option(
    "--redact", is_flag=True, help="Replace evidence text and locations with [REDACTED]."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="locaudit")
def main() -> None:
    """Check whether breast-imaging procedure notes support billing CPT 19284."""


@main.command()
@click.argument("source", type=click.File("rb"))
@click.option("--json", "as_json", is_flag=True, help="Print the contract record as JSON.")
@click.option("--id", "record_id", default=None, help="Id for the record (default: file name).")
@PATTERNS_OPTION
@REDACT_OPTION
def check(
    source, as_json: bool, record_id: str | None, patterns_dir: Path | None, redact: bool
) -> None:
    """Assess one note from SOURCE (a file, or - for stdin)."""
    from locaudit.batch import assess_records
    from locaudit.io.records import InputRecord, record_from_obj

    raw = source.read()
    source_name = getattr(source, "name", "-")
    name = record_id or ("stdin" if source_name in ("<stdin>", "-") else Path(source_name).name)
    try:
        text = raw.decode("utf-8-sig")
        record = record_from_obj({"id": name, "text": text}, 1)
    except UnicodeDecodeError as exc:
        record = InputRecord(
            name,
            None,
            error_kind="invalid_utf8",
            error_message=f"not valid UTF-8 (byte {exc.start})",
        )
    result = next(assess_records([record], patterns_dir=patterns_dir, redact=redact))
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(render_summary(result))


def render_summary(result) -> str:
    """A short human-readable account of one assessment."""
    lines = [f"{result.id}: {result.verdict.upper()}  (19284 units: {result.units_19284})"]
    if result.error:
        lines.append(f"  error: {result.error.kind}: {result.error.message}")
    if result.codes:
        codes = ", ".join(
            f"{c.code}{'-' + '/'.join(c.modifiers) if c.modifiers else ''}"
            f"{' x' + str(c.units) if c.units > 1 else ''}"
            for c in result.codes
        )
        lines.append(f"  codes: {codes}")
    for lesion in result.lesions:
        lines.append(
            f"  lesion {lesion.index}: {lesion.laterality or 'side?'}, "
            f"{lesion.guidance or 'guidance?'}, {'+'.join(lesion.devices) or 'device?'}, "
            f"{lesion.purpose}" + (f", {lesion.location}" if lesion.location else "")
        )
    if result.same_session is not None:
        lines.append(f"  same session: {'yes' if result.same_session else 'no'}")
    for finding in result.findings:
        lines.append(f"  [{finding.severity}] {finding.code}: {finding.message}")
    if result.query:
        lines.append(f"  query: {result.query}")
    return "\n".join(lines)


@main.command()
@click.argument(
    "input_path",
    metavar="INPUT.jsonl",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write results here (JSONL, atomically); default stdout.",
)
@click.option("--id-field", default="id", show_default=True, help="Input field holding the id.")
@click.option(
    "--text-field", default="text", show_default=True, help="Input field holding the note text."
)
@click.option("--quiet", "-q", is_flag=True, help="No summary line on stderr.")
@PATTERNS_OPTION
@REDACT_OPTION
def batch(
    input_path: Path,
    output: Path | None,
    id_field: str,
    text_field: str,
    quiet: bool,
    patterns_dir: Path | None,
    redact: bool,
) -> None:
    """Assess every record of INPUT.jsonl (.gz too): one output line per input line, in order.

    A malformed line or a record without text becomes an `error` record; the run goes on.
    """
    from locaudit.batch import assess_records, summarize
    from locaudit.io.records import open_input, read_jsonl
    from locaudit.io.writers import atomic_writer

    counts: Counter = Counter()
    with open_input(input_path) as handle:
        records = read_jsonl(handle, id_field, text_field)
        results = assess_records(records, patterns_dir=patterns_dir, redact=redact)
        if output is None:
            for result in results:
                counts[result.verdict] += 1
                click.echo(result.model_dump_json())
        else:
            with atomic_writer(output) as out:
                for result in results:
                    counts[result.verdict] += 1
                    out.write(result.model_dump_json() + "\n")
    if not quiet:
        click.echo(summarize(counts), err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of one output record."""
    from locaudit.models import output_schema

    click.echo(json.dumps(output_schema(), indent=2))


@main.command()
@click.argument(
    "gold_path", metavar="GOLD.jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@PATTERNS_OPTION
def evaluate(gold_path: Path, as_json: bool, patterns_dir: Path | None) -> None:
    """Score the checker on gold-annotated notes (fixtures/gold/*.jsonl)."""
    from locaudit.evaluate import evaluate as run
    from locaudit.evaluate import format_report, load_gold

    try:
        rows = load_gold(gold_path)
    except (ValueError, json.JSONDecodeError) as exc:
        raise click.UsageError(f"cannot read gold file: {exc}") from None
    data = run(rows, str(patterns_dir) if patterns_dir else None).as_dict()
    click.echo(json.dumps(data, indent=2) if as_json else format_report(data))


@main.command()
@click.option("--stdio", is_flag=True, help="JSONL requests on stdin, one response line each.")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Serve HTTP here.")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="HTTP bind address (loopback)."
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(1),
    default=1_048_576,
    show_default=True,
    help="HTTP requests with a larger body get 413.",
)
@click.option(
    "--token-env",
    default="LOCAUDIT_TOKEN",
    show_default=True,
    help="If this environment variable is set, HTTP clients must send it as a bearer token.",
)
@PATTERNS_OPTION
@REDACT_OPTION
def serve(
    stdio: bool,
    port: int | None,
    host: str,
    max_body_bytes: int,
    token_env: str,
    patterns_dir: Path | None,
    redact: bool,
) -> None:
    """Serve checks to a transcription system: --stdio, or HTTP on --port (needs the
    `locaudit[server]` extra). Every response is the contract record."""
    if stdio == (port is not None):
        raise click.UsageError("give exactly one of --stdio and --port")
    if stdio:
        from locaudit.api import Checker
        from locaudit.stdio import serve_stdio

        serve_stdio(Checker(patterns_dir, redact=redact), sys.stdin.buffer, sys.stdout.buffer)
        return
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise click.UsageError(
            "serve --port needs the server extra: pip install 'locaudit[server]'"
        ) from None
    from locaudit.api import Checker
    from locaudit.service import serve_http

    serve_http(
        Checker(patterns_dir, redact=redact),
        host=host,
        port=port,  # type: ignore[arg-type]
        token=os.environ.get(token_env) or None,
        max_body_bytes=max_body_bytes,
    )


def run() -> None:  # pragma: no cover - console entry with the internal-failure exit code
    try:
        main(standalone_mode=True)
    except Exception as exc:
        if os.environ.get("LOCAUDIT_DEBUG"):
            raise
        # The type only: an exception message may quote note text.
        click.echo(
            f"locaudit: internal error: {type(exc).__name__} (set LOCAUDIT_DEBUG=1 for "
            "the traceback)",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
