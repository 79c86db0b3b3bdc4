"""``python -m analytics charts`` and ``python -m analytics export``: the dashboard's charts, headless.

Each chart's options come from its ``ChartSpec`` (``ChartOption`` → ``--name``), so a new chart is exportable
from the command line as soon as it is in the catalog. Errors are one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from analytics import export
from analytics.charts.catalog import chart_catalog
from analytics.charts.spec import ChartOption, ChartSpec
from analytics.core.errors import AnalyticsError, RegistryError

from .common import emit, registry_from, terminal

FORMATS = export.CHART_FORMATS


class ChartOptionError(AnalyticsError):
    """An unknown chart, an option the chart does not have, or a value it does not accept."""


def catalog() -> dict[str, ChartSpec]:
    """Every chart by name (a seam for tests)."""
    return chart_catalog()


# -- options ----------------------------------------------------------------------------------------------------


def flag(option: ChartOption) -> str:
    return "--" + option.name.replace("_", "-")


def _value_type(option: ChartOption) -> Any:
    default = option.default
    if isinstance(default, (list, tuple)) and default:
        default = default[0]
    if isinstance(default, bool):
        return None
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return float
    return str


def _default_text(option: ChartOption) -> str:
    if option.default is None or option.default in ((), []):
        return ""
    if isinstance(option.default, (list, tuple)):
        return ", ".join(str(v) for v in option.default)
    return str(option.default)


def describe_option(option: ChartOption) -> str:
    """``--condition {best,tools,no-tools}: tools, no-tools or best available (default best)``."""
    text = flag(option)
    if option.choices:
        text += " {" + ",".join(option.choices) + "}"
    if option.multiple:
        text += " (repeatable)"
    text += f": {option.help}"
    default = _default_text(option)
    if default:
        text += f" (default {default})"
    return text


class _RaisingParser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting: the CLI then prints one line."""

    def error(self, message: str):  # type: ignore[override]
        raise ChartOptionError(f"{self.prog}: {message}")


def chart_parser(spec: ChartSpec) -> argparse.ArgumentParser:
    """The options of one chart, plus the output options that may also follow the chart name."""
    parser = _RaisingParser(
        prog=f"python -m analytics export {spec.name}", description=f"{spec.title}: {spec.description}",
        add_help=True, allow_abbrev=False,
    )
    _output_args(parser, suppress=True)
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print what was written as JSON")
    group = parser.add_argument_group("chart options")
    for option in spec.options:
        default = _default_text(option)
        help_text = option.help + (f" (default {default})" if default else "")
        kwargs: dict[str, Any] = {"dest": option.name, "help": help_text, "default": argparse.SUPPRESS}
        value_type = _value_type(option)
        if value_type is None:  # a boolean option: --name / --no-name
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["type"] = value_type
            kwargs["action"] = "append" if option.multiple else "store"
            if option.choices:
                kwargs["choices"] = list(option.choices)
            else:
                kwargs["metavar"] = option.name.upper()
        group.add_argument(flag(option), **kwargs)
    return parser


def _output_args(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--format", default=default, metavar="FORMAT",
                        help=f"one of {', '.join(FORMATS)} (default: png)")
    parser.add_argument("--out", default=default, metavar="PATH",
                        help="file, or folder to write a named file into (default: the current folder)")
    parser.add_argument("--scale", type=float, default=default,
                        help="PNG pixel density: 1, 2 (default: sharp on screens and in print), 3 or 4")


def parse_chart_options(spec: ChartSpec, argv: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(chart options given, output options given)`` from the words that follow the chart name."""
    if any(word in ("-h", "--help") for word in argv):
        chart_parser(spec).print_help()
        raise SystemExit(0)
    namespace = vars(chart_parser(spec).parse_args(argv))
    output = {k: namespace.pop(k) for k in ("format", "out", "scale", "json") if k in namespace}
    return namespace, output


# -- commands ---------------------------------------------------------------------------------------------------


def cmd_charts(args: argparse.Namespace) -> int:
    specs = catalog()
    data = [
        {
            "name": spec.name, "title": spec.title, "description": spec.description,
            "options": [
                {"name": o.name, "flag": flag(o), "help": o.help, "default": o.default,
                 "choices": list(o.choices) if o.choices else None, "multiple": o.multiple}
                for o in spec.options
            ],
        }
        for spec in specs.values()
    ]
    if args.json:
        emit(args, data)
    elif not specs:
        print("no charts are registered yet (chart modules expose CHART_SPECS)")
    else:
        print(format_chart_list(specs.values()))
    return 0


def format_chart_list(specs: Any) -> str:
    """Each chart: name and title, then one indented line per option with its help."""
    lines: list[str] = []
    for spec in specs:
        lines.append(f"{spec.name}  —  {spec.title}: {spec.description}")
        lines.extend(f"    {describe_option(o)}" for o in spec.options)
        if not spec.options:
            lines.append("    (no options)")
        lines.append("")
    lines.append("export one: python -m analytics export CHART --format png|svg|pdf|html|csv --out PATH [options]")
    return "\n".join(lines)


def _get_spec(name: str) -> ChartSpec:
    specs = catalog()
    if name not in specs:
        known = ", ".join(sorted(specs)) or "none registered yet"
        raise ChartOptionError(f"unknown chart {name!r}: choose one of {known} (list them: python -m analytics "
                               "charts)")
    return specs[name]


def _check_format(fmt: str | None) -> str:
    fmt = (fmt or "png").lower().lstrip(".")
    if fmt not in FORMATS:
        raise ChartOptionError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return fmt


def _format_from_suffix(out: str | None) -> str | None:
    """``--out report/cost.svg`` with no ``--format`` means SVG."""
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    return suffix if suffix in FORMATS else None


def _check_scale(scale: float | None) -> float:
    scale = 2.0 if scale is None else scale
    if not 0.5 <= scale <= 4:
        raise ChartOptionError(f"--scale {scale:g} must be between 0.5 and 4 (2 is sharp on screens and in print)")
    return scale


def build_chart(spec: ChartSpec, registry: Any, options: dict[str, Any]) -> tuple[Any, Any]:
    """Run the chart's builder; a value it rejects becomes one line naming the chart, not a traceback."""
    try:
        return spec.build(registry, **options)
    except RegistryError as exc:  # an option naming a bad input file (e.g. --workload): one line, not a list
        raise ChartOptionError(f"{spec.name}: " + "; ".join(str(p) for p in exc.problems)) from None
    except AnalyticsError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        given = " ".join(f"{k}={v}" for k, v in options.items()) or "default options"
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ChartOptionError(f"{spec.name} ({given}): {detail}") from None


def render(spec: ChartSpec, registry: Any, options: dict[str, Any], fmt: str, scale: float) -> bytes:
    fig, data = build_chart(spec, registry, options)
    return export.export_chart(fig, data, fmt, scale=scale)


def _file_for(spec: ChartSpec, options: dict[str, Any], fmt: str, out: str | None) -> Path:
    on = options.get("on") if isinstance(options.get("on"), dt.date) else None
    name = export.export_filename(spec.name, fmt, on=on, extra=export.settings_slug(options))
    if out is None:
        return Path(name)
    target = Path(out).expanduser()
    if target.is_dir() or out.endswith(("/", "\\")):
        return target / name
    return target


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ChartOptionError(f"cannot write {path}: {exc.strerror or exc}") from None


def cmd_export(args: argparse.Namespace) -> int:
    if args.all:
        if args.chart or args.chart_options:
            raise ChartOptionError("--all exports every chart with its default options: give no CHART or chart "
                                   "options with it")
        return _export_all(args)
    if not args.chart:
        raise ChartOptionError("name a CHART to export (see python -m analytics charts) or use --all")
    spec = _get_spec(args.chart)
    options, output = parse_chart_options(spec, list(args.chart_options))
    out = output.get("out", args.out)
    fmt = _check_format(output.get("format", args.format) or _format_from_suffix(out))
    scale = _check_scale(output.get("scale", args.scale))
    as_json = output.get("json", args.json)
    registry = registry_from(args)
    started = time.perf_counter()
    data = render(spec, registry, options, fmt, scale)
    path = _file_for(spec, options, fmt, out)
    _write(path, data)
    record = {"chart": spec.name, "format": fmt, "path": str(path), "bytes": len(data),
              "seconds": round(time.perf_counter() - started, 3)}
    if as_json:
        print(json.dumps(record, indent=2))
    else:
        print(f"wrote {path} ({_size(len(data))})")
    return 0


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


def _export_one(spec: ChartSpec, registry: Any, fmt: str, scale: float, folder: Path, records: list[dict[str, Any]],
                failures: list[str]) -> dict[str, Any] | None:
    """Render and write one chart with its default options; its record (or its error line) is appended."""
    started = time.perf_counter()
    try:
        data = render(spec, registry, {}, fmt, scale)
    except export.ExportUnavailable:
        raise
    except AnalyticsError as exc:
        failures.append(f"error: {spec.name}: {exc}")
        return None
    path = _file_for(spec, {}, fmt, str(folder) + "/")
    _write(path, data)
    record = {"chart": spec.name, "format": fmt, "path": str(path), "bytes": len(data),
              "seconds": round(time.perf_counter() - started, 3)}
    records.append(record)
    return record


def _export_all(args: argparse.Namespace) -> int:
    fmt = _check_format(args.format)
    scale = _check_scale(args.scale)
    if args.out is None:
        raise ChartOptionError("--all needs --out DIR, the folder to write every chart into")
    folder = Path(args.out).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ChartOptionError(f"--out {folder} is a file: --all writes one file per chart into a folder")
    if fmt in export.IMAGE_FORMATS:
        export.require_browser()  # one clear line before anything is built, not one per chart
    specs = catalog()
    if not specs:
        raise ChartOptionError("no charts are registered yet (chart modules expose CHART_SPECS)")
    registry = registry_from(args)
    tty = sys.stdout.isatty() and not args.json
    records: list[dict[str, Any]] = []
    failures: list[str] = []
    if tty:
        with Progress(TextColumn("{task.description:<40}"), BarColumn(bar_width=30), MofNCompleteColumn(),
                      console=terminal()) as progress:
            task = progress.add_task("", total=len(specs))
            for spec in specs.values():
                progress.update(task, description=spec.name)
                _export_one(spec, registry, fmt, scale, folder, records, failures)
                progress.advance(task)
            progress.update(task, description="done")
        print(f"wrote {len(records)} file(s) to {folder}")
    else:
        for spec in specs.values():
            record = _export_one(spec, registry, fmt, scale, folder, records, failures)
            if record and not args.json:
                print(f"wrote {record['path']} ({_size(record['bytes'])})")
    if args.json:
        emit(args, records)
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


# -- registration -----------------------------------------------------------------------------------------------


def _charts_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _export_args(p: argparse.ArgumentParser) -> None:
    p.epilog = ("Chart options (--ratio, --condition, --workload, --model …) follow CHART; "
                "`python -m analytics export CHART --help` lists them, `python -m analytics charts` lists all.")
    p.add_argument("chart", nargs="?", metavar="CHART", help="chart name, from `python -m analytics charts`")
    p.add_argument("--all", action="store_true", help="export every chart (default options) into --out DIR")
    _output_args(p, suppress=False)
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.add_argument("chart_options", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


COMMANDS = [
    ("charts", "list the charts with their options", _charts_args, cmd_charts),
    ("export", "export a chart (or --all) as png, svg, pdf, html or csv", _export_args, cmd_export),
]
