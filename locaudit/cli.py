"""The ``locaudit`` command line.

Results go to stdout (or ``-o FILE``, written atomically), diagnostics to stderr. Exit codes
follow the contract: 0 ran (even if some records are ``error``), 1 internal failure, 2 usage
error (bad option, unreadable input). Note text never appears in an error message.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
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
    "--redact",
    is_flag=True,
    help="Replace evidence text with [REDACTED], drop locations and note text, and (check, "
    "batch) replace ids with record-N.",
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
    from locaudit.io.encoding import decode_note
    from locaudit.io.records import InputRecord, record_from_obj
    from locaudit.redaction import mask_id

    raw = source.read()
    source_name = getattr(source, "name", "-")
    name = record_id or ("stdin" if source_name in ("<stdin>", "-") else Path(source_name).name)
    try:
        text = decode_note(raw)
        record = record_from_obj({"id": name, "text": text}, 1)
    except UnicodeDecodeError as exc:
        record = InputRecord(
            name,
            None,
            error_kind="invalid_utf8",
            error_message=f"not valid UTF-8 (byte {exc.start})",
        )
    result = next(assess_records([record], patterns_dir=patterns_dir, redact=redact))
    if redact:
        result = mask_id(result, 1)
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
    metavar="INPUT",
    type=click.Path(exists=True, path_type=Path),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write results here: .csv, .html (QA report) or JSON Lines; default stdout.",
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "jsonl", "csv", "dir", "fhir", "fhir-ndjson"]),
    default="auto",
    show_default=True,
    help="How to read INPUT; auto: by its name (a folder, .csv, .jsonl, .ndjson, .json; .gz).",
)
@click.option(
    "--output-format",
    type=click.Choice(["auto", "jsonl", "csv", "html"]),
    default="auto",
    show_default=True,
    help="auto: by the output's extension (.csv, .html; otherwise JSON Lines).",
)
@click.option("--id-field", default="id", show_default=True, help="Input field holding the id.")
@click.option(
    "--text-field", default="text", show_default=True, help="Input field holding the note text."
)
@click.option(
    "--billed-field",
    default="billed",
    show_default=True,
    help="Input field holding the billed codes.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes that run the pipeline (each loads it once); output order is kept.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=64,
    show_default=True,
    help="Notes per nlp.pipe batch (and per task sent to a worker).",
)
@click.option(
    "--no-gate",
    is_flag=True,
    help="Run every note through the full pipeline (no keyword gate; same results, slower).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run into the same -o file (OUT.partial) instead of starting "
    "over.",
)
@click.option(
    "--timeout-per-note",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="Seconds one note may take; past it the note becomes an error record (kind timeout) "
    "and the run goes on. The pipeline runs in worker processes that are restarted when a "
    "note overstays. 0: no limit (one worker runs in this process).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on stderr.")
@PATTERNS_OPTION
@REDACT_OPTION
def batch(
    input_path: Path,
    output: Path | None,
    input_format: str,
    output_format: str,
    id_field: str,
    text_field: str,
    billed_field: str,
    workers: int,
    batch_size: int,
    no_gate: bool,
    resume: bool,
    timeout_per_note: float,
    quiet: bool,
    patterns_dir: Path | None,
    redact: bool,
) -> None:
    """Assess every note of INPUT: one output record per input record, in input order.

    INPUT is a JSON Lines or CSV file, a folder of .txt notes, or FHIR R4 (a Bundle in .json,
    or .ndjson) of DocumentReference / DiagnosticReport; gzipped files too. A record that
    cannot be read becomes an `error` record; the run goes on. Ctrl-C keeps the partial
    output: run again with --resume to continue it.
    """
    import time

    from locaudit.batch import BatchOptions, BatchStats, run_batch, summarize
    from locaudit.io.readers import open_source
    from locaudit.io.writers import PartialOutput, ResumeError, writer_for
    from locaudit.progress import Progress
    from locaudit.redaction import mask_id

    if resume and output is None:
        raise click.UsageError("--resume needs -o FILE (stdout cannot be continued)")
    if input_format == "dir" and not input_path.is_dir():
        raise click.UsageError(f"--input-format dir needs a folder, not {input_path.name}")
    if input_path.is_dir() and input_format not in ("auto", "dir"):
        raise click.UsageError(f"{input_path.name} is a folder; --input-format {input_format}")
    source = open_source(input_path, input_format, id_field, text_field, billed_field)
    writer_cls = writer_for(output, output_format)
    patterns = str(patterns_dir) if patterns_dir else None
    options = BatchOptions(
        patterns, redact, batch_size, workers, not no_gate, timeout=timeout_per_note or None
    )
    stats = BatchStats()
    partial: PartialOutput | None = None
    skip = 0
    if output is None:
        writer = writer_cls(sys.stdout, redact=redact)
        writer.begin()
    else:
        partial = PartialOutput(output, writer_cls, _fingerprint(source, writer_cls.name, options))
        try:
            skip = partial.open(resume=resume, redact=redact)
        except ResumeError as exc:
            raise click.UsageError(str(exc)) from None
        assert partial.writer is not None
        writer = partial.writer
    if options.gate and not quiet and _gate_missing(patterns):
        click.echo("locaudit: no gate.toml in --patterns: keyword gate off", err=True)
    records = itertools.islice(source.records(), skip, None)
    progress = Progress(source, enabled=Progress.wanted(quiet), initial=skip)
    started = time.perf_counter()
    try:
        for position, (record, result) in enumerate(run_batch(records, options, stats), skip + 1):
            writer.write(record, mask_id(result, position) if redact else result)
            progress.tick()
    except KeyboardInterrupt:
        progress.close()
        if partial is not None:
            partial.abandon()
            done = skip + sum(stats.verdicts.values())
            click.echo(
                f"locaudit: interrupted after {done} records; {partial.partial.name} kept, "
                "run the same command with --resume to continue",
                err=True,
            )
        sys.exit(130)
    except BaseException:
        progress.close()
        if partial is not None:
            partial.abandon()
        raise
    progress.close()
    if partial is not None:
        partial.finish()
    else:
        writer.end()
    if not quiet:
        elapsed = time.perf_counter() - started
        n = sum(stats.verdicts.values())
        rate = f"{n / elapsed:,.0f} notes/s" if elapsed > 0 else "-"
        resumed = f", resumed after {skip}" if skip else ""
        click.echo(
            f"{summarize(stats.verdicts)}; {stats.gated} gated, {stats.assessed} through the "
            f"pipeline; {elapsed:.1f} s ({rate}){resumed}"
            + (f"; {stats.timeouts} over the time limit" if stats.timeouts else ""),
            err=True,
        )


def _gate_missing(patterns: str | None) -> bool:
    from locaudit.gate import load_gate_for

    return load_gate_for(patterns) is None


def _fingerprint(source, output_format: str, options) -> dict:
    """What makes two runs the same run, for --resume: the input as it is now (a file that
    changed since is refused), the options that change records, the rules and the version.
    Workers and batch size do not change records, so a resumed run may use others."""
    from locaudit.rules import rules_hash

    path = source.path.resolve()
    stat = path.stat()
    return {
        "input": str(path),
        "input_format": source.fmt,
        "input_size": None if path.is_dir() else stat.st_size,
        "input_mtime_ns": None if path.is_dir() else stat.st_mtime_ns,
        "fields": [source.id_field, source.text_field, source.billed_field],
        "output_format": output_format,
        "redact": options.redact,
        "gate": options.gate,
        "patterns": str(Path(options.patterns_dir).resolve()) if options.patterns_dir else None,
        "rules": rules_hash(options.patterns_dir),
        "locaudit": __version__,
    }


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
    from locaudit.rules import RuleFileError

    try:
        main(standalone_mode=True)
    except RuleFileError as exc:
        # a broken rule file (ours or a --patterns copy) is a usage error; the message names
        # the file, line and rule ids, never note text
        click.echo(f"locaudit: rule file error: {exc}", err=True)
        sys.exit(2)
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
    run()
