"""The command line: ``python -m analytics COMMAND`` (also installed as ``llm-costs``).

Every command prints a readable table, or JSON with ``--json``. Errors are one clear line on stderr and a
non-zero exit, never a traceback. Commands call the same functions as the dashboard.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analytics.core.errors import AnalyticsError, LayerError, RegistryError

from . import calculator, export, registry, replay, sources, workloads

COMMAND_GROUPS = (registry, calculator, workloads, export, replay, sources)
"""Each command group's module exposes ``COMMANDS``; their order is the order of ``--help``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics",
        description="LLM cost-performance analytics: sourced prices, blended prices, context tiers, workloads.",
    )
    parser.add_argument("--registry", action="append", metavar="DIR",
                        help="extra registry folder layered on the bundled one (repeatable): more models, and "
                             "your own prices in its overrides.yaml")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text, configure, handler in (spec for group in COMMAND_GROUPS for spec in group.COMMANDS):
        command = sub.add_parser(name, help=help_text, description=help_text)
        configure(command)
        command.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except LayerError as exc:  # a --registry / LLM_COSTS_REGISTRY / --data folder with nothing to load
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RegistryError as exc:
        print(f"error: the registry is invalid ({len(exc.problems)} problem(s)):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except AnalyticsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
