"""``python -m analytics workload``: what an agent workload costs per task and per month on each model.

Also ``workload-schema`` (writes or checks ``data/workloads/workload.schema.json``). Picked up by ``cli/main.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analytics.core.errors import RegistryError
from analytics.workloads.engine import Settings, compare
from analytics.workloads.model import SCHEMA_FILE, AssumedToolFee, load_workload, preset_names, workload_json_schema
from analytics.workloads.speeds import DEFAULT_SPEED, SpeedAssumption

from . import common

TABLE_COLUMNS = [
    "model", "cost_per_task", "monthly_cost", "cost_per_successful_task", "prompt_tokens", "cached_tokens",
    "output_tokens", "exceeds_context_at_step", "wall_time_s", "serial_time_s", "speedup", "unpriced_tool_calls",
]

LOWER_BOUND_COLUMNS = ("cost_per_task", "monthly_cost", "cost_per_successful_task")
"""Printed as "≥ x" when the result leaves out tool calls with no known fee."""


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more")
    return value


def _success_rate(text: str) -> float:
    value = common.fraction(text)
    if value == 0:
        raise argparse.ArgumentTypeError("a success rate of 0 never succeeds: give a rate above 0")
    return value


def _workload_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("workload", metavar="FILE_OR_PRESET",
                   help=f"a workload YAML file, or a preset: {', '.join(preset_names())}")
    p.add_argument("--model", action="append", metavar="M",
                   help="run every role on this model (repeatable, one result each); default: each role's own "
                        "model, reported as 'mixed'")
    p.add_argument("--tasks-per-month", type=common.token_count, default=None, metavar="N",
                   help="tasks a month for the monthly cost (default: the workload's; accepts 10k, 1.5M)")
    p.add_argument("--success-rate", type=_success_rate, default=None, metavar="P",
                   help="chance one attempt succeeds, 0–1 (default: the workload's)")
    p.add_argument("--tokens-per-s", type=_positive, default=DEFAULT_SPEED.output_tokens_per_s,
                   help="output speed assumed where the registry has none "
                        f"(default {DEFAULT_SPEED.output_tokens_per_s:g} tokens/s)")
    p.add_argument("--ttft-s", type=_non_negative, default=DEFAULT_SPEED.time_to_first_token_s,
                   help="time to first token assumed where the registry has none "
                        f"(default {DEFAULT_SPEED.time_to_first_token_s:g} s)")
    p.add_argument("--assume-tool-fee", type=_non_negative, default=None, metavar="FEE",
                   help="fee per 1,000 provider tool calls (in --currency) assumed where the provider has none "
                        "(overrides the workload's assumed_tool_fee); default: none assumed, and a cost that "
                        "leaves such calls out is reported as a lower bound (≥)")
    common.add_common(p)


def cmd_workload(args: argparse.Namespace) -> int:
    registry = common.registry_from(args)
    for model in args.model or []:  # a retired (or unreleased) model is never priced as live
        registry.require_live(model, args.on)
    try:
        workload = load_workload(args.workload)
        if args.assume_tool_fee is not None:
            fee = AssumedToolFee(per_thousand_calls=args.assume_tool_fee, currency=args.currency)
            workload = workload.model_copy(update={"assumed_tool_fee": fee})
        settings = Settings(
            region=args.region, service_tier=args.service_tier, on=args.on, currency=args.currency,
            default_speed=SpeedAssumption(args.tokens_per_s, args.ttft_s, "assumed (--tokens-per-s, --ttft-s)"),
        )
        results = compare(workload, registry, args.model or [], settings, tasks_per_month=args.tasks_per_month,
                          success_rate=args.success_rate)
    except RegistryError as exc:  # a malformed workload (WorkloadError) or a bad model id: one line, no traceback
        print(f"error: {'; '.join(str(p) for p in exc.problems)}", file=sys.stderr)
        return 1
    data = {"workload": workload.name, "results": [r.summary() for r in results]}
    if args.json:
        common.emit(args, data)
        return 0
    rows = [{k: r.summary()[k] for k in TABLE_COLUMNS} for r in results]
    for row, result in zip(rows, results, strict=True):
        if row["exceeds_context_at_step"] is None:
            row["exceeds_context_at_step"] = "fits"
        if result.lower_bound:  # "≥ 6.4003": the cost leaves out tool calls with no known fee
            for column in LOWER_BOUND_COLUMNS:
                row[column] = common.at_least(row[column])
    print(f"{workload.name}: cost per task in {args.currency}, "
          f"{results[0].tasks_per_month:,.0f} tasks a month")
    common.print_table(rows, TABLE_COLUMNS)
    for result in results:
        for switch in result.tier_switches:
            print(f"  {result.model}: {switch['role']} changes price tier at step {switch['step']} "
                  f"(prompt {switch['prompt_tokens']:,.0f} tokens)")
        for limit in result.exceeds_context:
            print(f"  {result.model}: {limit['role']} cannot run step {limit['step']}: {limit['reason']}")
        for reason in result.no_price:
            print(f"  {result.model}: {reason}")
        if result.unpriced_tool_calls:
            print(f"  {result.model}: {result.unpriced_tool_calls:,.0f} tool calls per task have no known fee: "
                  "the cost is a lower bound (assume a fee with --assume-tool-fee FEE)")
        if result.assumed_fee_tool_calls:
            fee = result.workload.assumed_tool_fee
            print(f"  {result.model}: {result.assumed_fee_tool_calls:,.0f} tool calls per task with no known fee "
                  f"priced at the assumed {fee.per_thousand_calls:g} {fee.currency} per 1,000 calls")
    return 0


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=str(SCHEMA_FILE))
    p.add_argument("--check", action="store_true", help="exit 1 if the file is stale")


def schema_text() -> str:
    return json.dumps(workload_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def cmd_workload_schema(args: argparse.Namespace) -> int:
    target = Path(args.out)
    text = schema_text()
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(f"error: {target} is stale: run `python -m analytics workload-schema`", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


COMMANDS = [
    ("workload", "cost per task, per month and latency of an agent workload on each model", _workload_args,
     cmd_workload),
    ("workload-schema", "write data/workloads/workload.schema.json from the pydantic model", _schema_args,
     cmd_workload_schema),
]
