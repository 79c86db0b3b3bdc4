"""The usage exports people have, declared as data: how each one's columns make the canonical request.

A format is a ``UsageFormat``: the columns that identify it, one column expression per canonical field (see
``expressions``), which rows are model calls, which values are worth a note, and how to write a sample of it.
Reading is the same code for every format; adding one means adding a declaration here, with the source of its
layout. The layouts were taken from each project's source or documentation (``source`` on each format).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CANONICAL_TARGETS = (
    "prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "cache_write_tokens",
    "cache_write_1h_tokens", "requests", "timestamp", "model", "export_cost",
)
"""What a mapping may fill. prompt_tokens is the whole prompt (cached and written tokens included);
output_tokens excludes reasoning when reasoning_tokens is mapped; requests is how many requests a row stands for
(an aggregated bucket); export_cost is the cost the export itself records (USD), shown beside ours."""

TEXT_TARGETS = ("timestamp", "model")


@dataclass(frozen=True)
class RowRule:
    """Rows whose ``column`` holds one of ``values`` (compared as text, ignoring case)."""

    column: str
    values: tuple[str, ...]
    reason: str
    """Why the other rows matter: said in the note, e.g. "spans and events are not model calls"."""


@dataclass(frozen=True)
class SampleSpec:
    """How to write a generated sample of the format: one template per column, in header order.

    Templates use ``string.Template`` placeholders for one request (or one day's bucket when ``per_day``):
    $id $n $timestamp_iso $timestamp_sql $iso_offset $iso_offset_end $date $unix $unix_end $model $model_dated
    $permaslug $prompt $uncached $prompt_no_reads $cached $write_5m $write_1h $writes $output $reasoning
    $completion $total $requests $cost $provider $provider_lower; ``empty_day`` fills the columns of a day
    without requests (the others stay blank); ``models`` limits the sample to one provider's models."""

    columns: Mapping[str, str]
    quote_all: bool = False
    line_end: str = "\n"
    final_newline: bool = True
    per_day: bool = False
    empty_day: tuple[str, ...] = ()
    count_as_float: bool = False
    models: tuple[str, ...] = ()


@dataclass(frozen=True)
class UsageFormat:
    """One export's layout: detection, mapping, row rules, notes, and a sample writer spec."""

    name: str
    title: str
    label: str
    """The product's name alone (a button's text)."""
    source: str
    detect: tuple[str, ...]
    """Columns every file of this format has (the header is matched against them)."""
    mapping: Mapping[str, str]
    """Canonical target → column expression."""
    keep: RowRule | None = None
    """Only rows matching this are model calls; the others are skipped and counted."""
    flags: tuple[RowRule, ...] = ()
    """Rows *not* matching a flag are counted in a note (priced like the rest)."""
    aggregated: bool = False
    """Rows are buckets of many requests: priced as `requests` requests of the average size."""
    caveat: str = ""
    """What the export cannot tell the replay (said in the output)."""
    sample: SampleSpec | None = None

    def columns_read(self) -> list[str]:
        """The columns the mapping reads, in mapping order (the first name of each term: formats quote none)."""
        found = []
        for text in self.mapping.values():
            found += [term.strip().split(".")[0] for term in re.split(r"[+-]", text)]
        if self.keep:
            found.append(self.keep.column)
        return list(dict.fromkeys(found))


OPENAI = UsageFormat(
    name="openai",
    label="OpenAI",
    title="OpenAI usage export (completions, daily buckets)",
    source="https://platform.openai.com/docs/api-reference/usage/completions_object "
           "(github:openai/openai-openapi, UsageCompletionsResult; dashboard Usage → Export)",
    detect=("start_time", "end_time", "num_model_requests", "input_tokens", "output_tokens"),
    mapping={
        "prompt_tokens": "input_tokens",
        "cached_tokens": "input_cached_tokens",
        "cache_write_tokens": "input_cache_write_tokens",
        "output_tokens": "output_tokens",
        "requests": "num_model_requests",
        "timestamp": "start_time_iso",
        "model": "model",
    },
    flags=(RowRule("batch", ("", "false", "False", "0", "0.0"), "batch rows are billed at the batch rates"),
           RowRule("service_tier", ("", "default", "standard"), "rows of another service tier")),
    aggregated=True,
    caveat="input_tokens include cached and cache-write tokens; output_tokens include reasoning (same rate)",
    sample=SampleSpec(
        columns={
            "start_time": "$unix", "end_time": "$unix_end", "start_time_iso": "$iso_offset",
            "end_time_iso": "$iso_offset_end", "project_id": "proj_Wm8QhX2a", "num_model_requests": "$requests",
            "user_id": "", "api_key_id": "", "model": "$model_dated", "batch": "", "service_tier": "",
            "input_tokens": "$prompt", "output_tokens": "$completion", "input_cached_tokens": "$cached",
            "input_cache_write_tokens": "$writes", "input_uncached_tokens": "$uncached",
            "input_text_tokens": "$uncached", "output_text_tokens": "$completion",
            "input_cached_text_tokens": "$cached", "input_audio_tokens": "0", "input_cached_audio_tokens": "0",
            "output_audio_tokens": "0", "input_image_tokens": "0", "input_cached_image_tokens": "0",
            "output_image_tokens": "0",
        },
        per_day=True, empty_day=("start_time", "end_time", "start_time_iso", "end_time_iso"), count_as_float=True,
        models=("gpt-5.2", "gpt-5-mini"),
    ),
)

ANTHROPIC = UsageFormat(
    name="anthropic",
    label="Anthropic",
    title="Anthropic console usage export",
    source="https://support.anthropic.com/en/articles/9534590-cost-and-usage-reporting-in-console "
           "(Console → Usage → Export; the same split as the Admin API usage report)",
    detect=("usage_date_utc", "model_version", "usage_input_tokens_no_cache", "usage_input_tokens_cache_read",
            "usage_output_tokens"),
    mapping={
        "prompt_tokens": "usage_input_tokens_no_cache + usage_input_tokens_cache_write_5m"
                         " + usage_input_tokens_cache_write_1h + usage_input_tokens_cache_read",
        "cached_tokens": "usage_input_tokens_cache_read",
        "cache_write_tokens": "usage_input_tokens_cache_write_5m",
        "cache_write_1h_tokens": "usage_input_tokens_cache_write_1h",
        "output_tokens": "usage_output_tokens",
        "timestamp": "usage_date_utc",
        "model": "model_version",
    },
    flags=(RowRule("usage_type", ("standard",), "batch rows are billed at the batch rates"),
           RowRule("speed", ("", "standard"), "rows of another speed (fast mode) are billed higher"),
           RowRule("inference_geo", ("", "global", "not_available"), "rows with a regional inference premium")),
    aggregated=True,
    caveat="a daily total with no request count; web_search_count (tool fees) is not replayed",
    sample=SampleSpec(
        columns={
            "usage_date_utc": "$date", "model_version": "$model_dated", "api_key": "agent-prod",
            "workspace": "Default", "usage_type": "standard", "context_window": "≤ 200k",
            "usage_input_tokens_no_cache": "$uncached", "usage_input_tokens_cache_write_5m": "$write_5m",
            "usage_input_tokens_cache_write_1h": "$write_1h", "usage_input_tokens_cache_read": "$cached",
            "usage_output_tokens": "$completion", "web_search_count": "0", "inference_geo": "global", "speed": "",
        },
        per_day=True, models=("claude-opus-4.5", "claude-sonnet-4.5"),
    ),
)

OPENROUTER = UsageFormat(
    name="openrouter",
    label="OpenRouter",
    title="OpenRouter activity export",
    source="https://openrouter.ai/activity (Export → CSV); permaslugs as in OpenRouter's model list",
    detect=("generation_id", "created_at", "cost_total", "tokens_prompt", "tokens_completion", "model_permaslug"),
    mapping={
        "prompt_tokens": "tokens_prompt",
        "cached_tokens": "tokens_cached",
        "output_tokens": "tokens_completion - tokens_reasoning",
        "reasoning_tokens": "tokens_reasoning",
        "timestamp": "created_at",
        "model": "model_permaslug",
        "export_cost": "cost_total",
    },
    flags=(RowRule("byok_usage_inference", ("", "0", "0.0"), "BYOK rows are billed by the provider, not here"),),
    caveat="tokens_completion includes tokens_reasoning (subtracted once); the export has no cache-write column, "
           "so cache writes are priced as input",
    sample=SampleSpec(
        columns={
            "generation_id": "gen-$unix-$id", "created_at": "$timestamp_sql", "cost_total": "$cost",
            "cost_web_search": "0", "cost_cache": "0", "cost_file_processing": "0", "byok_usage_inference": "0",
            "tokens_prompt": "$prompt", "tokens_completion": "$completion", "tokens_reasoning": "$reasoning",
            "tokens_cached": "$cached", "model_permaslug": "$permaslug", "provider_name": "$provider",
            "variant": "standard", "cancelled": "false", "streamed": "true", "user": "",
            "finish_reason_raw": "stop", "finish_reason_normalized": "stop", "generation_time_ms": "8214",
            "time_to_first_token_ms": "903", "api_key_disabled": "false", "api_key_name": "prod-agent",
            "app_name": "Acme Agent",
        },
    ),
)

_USAGE_OBJECT = "metadata.usage_object"
LITELLM = UsageFormat(
    name="litellm",
    label="LiteLLM",
    title="LiteLLM SpendLogs (LiteLLM_SpendLogs table or its CSV dump)",
    source="https://github.com/BerriAI/litellm/blob/main/schema.prisma (model LiteLLM_SpendLogs); "
           "litellm/proxy/spend_tracking/spend_tracking_utils.py (metadata.usage_object)",
    detect=("request_id", "call_type", "spend", "prompt_tokens", "completion_tokens", "startTime", "model",
            "metadata"),
    mapping={
        "prompt_tokens": "prompt_tokens",
        "cached_tokens": f"{_USAGE_OBJECT}.prompt_tokens_details.cached_tokens",
        "cache_write_tokens": f"{_USAGE_OBJECT}.cache_creation_input_tokens"
                              f" - {_USAGE_OBJECT}.prompt_tokens_details.cache_creation_token_details"
                              ".ephemeral_1h_input_tokens",
        "cache_write_1h_tokens": f"{_USAGE_OBJECT}.prompt_tokens_details.cache_creation_token_details"
                                 ".ephemeral_1h_input_tokens",
        "output_tokens": f"completion_tokens - {_USAGE_OBJECT}.completion_tokens_details.reasoning_tokens",
        "reasoning_tokens": f"{_USAGE_OBJECT}.completion_tokens_details.reasoning_tokens",
        "timestamp": "startTime",
        "model": "model",
        "export_cost": "spend",
    },
    caveat="LiteLLM's prompt_tokens include cache reads and writes; the split is in metadata.usage_object",
    sample=SampleSpec(
        columns={
            "request_id": "chatcmpl-$id", "call_type": "acompletion",
            "api_key": "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b", "spend": "$cost",
            "total_tokens": "$total", "prompt_tokens": "$prompt", "completion_tokens": "$completion",
            "startTime": "$timestamp_sql", "endTime": "$timestamp_sql", "request_duration_ms": "8214",
            "completionStartTime": "$timestamp_sql", "model": "$model_dated", "model_id": "", "model_group": "$model",
            "custom_llm_provider": "$provider_lower", "api_base": "", "user": "default_user_id",
            "metadata": '{"user_api_key_alias": "agent-prod", "user_api_key_team_id": "team-research", '
                        '"usage_object": {"completion_tokens": $completion, "prompt_tokens": $prompt, '
                        '"total_tokens": $total, "completion_tokens_details": {"reasoning_tokens": $reasoning, '
                        '"audio_tokens": null}, "prompt_tokens_details": {"cached_tokens": $cached, '
                        '"audio_tokens": null, "cache_creation_tokens": $writes, "cache_creation_token_details": '
                        '{"ephemeral_5m_input_tokens": $write_5m, "ephemeral_1h_input_tokens": $write_1h}}, '
                        '"cache_creation_input_tokens": $writes, "cache_read_input_tokens": $cached, '
                        '"server_tool_use": null}, "status": "success"}',
            "cache_hit": "False", "cache_key": "Cache OFF", "request_tags": '["agent:planner"]',
            "team_id": "team-research", "organization_id": "", "end_user": "", "requester_ip_address": "",
            "messages": "{}", "response": "{}", "session_id": "sess-$n", "status": "success",
            "mcp_namespaced_tool_name": "", "agent_id": "", "proxy_server_request": "{}",
        },
    ),
)

_USAGE = "usageDetails"
LANGFUSE = UsageFormat(
    name="langfuse",
    label="Langfuse",
    title="Langfuse observations / generations export",
    source="https://github.com/langfuse/langfuse (worker/src/features/database-read-stream/observation-stream.ts, "
           "packages/shared/src/server/utils/transforms/transformStreamToCsv.ts, "
           "packages/shared/src/server/ingestion/types.ts)",
    detect=("id", "traceId", "startTime", "type", "model", "usageDetails", "costDetails", "totalCost"),
    mapping={
        "prompt_tokens": f"{_USAGE}.input + {_USAGE}.input_cached_tokens + {_USAGE}.input_cache_read"
                         f" + {_USAGE}.cache_read_input_tokens + {_USAGE}.input_cache_creation"
                         f" + {_USAGE}.input_cache_creation_5m + {_USAGE}.input_cache_creation_1h"
                         f" + {_USAGE}.cache_creation_input_tokens",
        "cached_tokens": f"{_USAGE}.input_cached_tokens + {_USAGE}.input_cache_read"
                         f" + {_USAGE}.cache_read_input_tokens",
        "cache_write_tokens": f"{_USAGE}.input_cache_creation + {_USAGE}.input_cache_creation_5m"
                              f" + {_USAGE}.cache_creation_input_tokens",
        "cache_write_1h_tokens": f"{_USAGE}.input_cache_creation_1h",
        "output_tokens": f"{_USAGE}.output",
        "reasoning_tokens": f"{_USAGE}.output_reasoning_tokens",
        "timestamp": "startTime",
        "model": "model",
        "export_cost": "totalCost",
    },
    keep=RowRule("type", ("GENERATION",), "spans, events and tool calls are not model calls"),
    caveat="Langfuse's usageDetails.input excludes cached and written tokens; output excludes reasoning",
    sample=SampleSpec(
        columns={
            "id": "obs-$id", "traceId": "trace-$n", "startTime": '"$timestamp_iso"', "endTime": '"$timestamp_iso"',
            "projectId": "proj-acme", "parentObservationId": "", "type": "GENERATION",
            "environment": "production", "name": "llm-call", "level": "DEFAULT", "statusMessage": "",
            "version": "", "createdAt": '"$timestamp_iso"', "updatedAt": '"$timestamp_iso"',
            "input": '[{"role":"user","content":"Summarize ticket $n.\nKeep it short."}]',
            "output": "Ticket $n: the export failed.\nCause: a timeout.", "metadata": "{}",
            "model": "$model_dated", "internalModelId": "", "modelParameters": "{}", "completionStartTime": "",
            "promptId": "", "promptName": "", "promptVersion": "", "latency": "3.2", "timeToFirstToken": "",
            "providedUsageDetails": "{}",
            "usageDetails": '{"input":$uncached,"input_cached_tokens":$cached,"input_cache_creation_5m":$write_5m,'
                            '"input_cache_creation_1h":$write_1h,"output":$output,'
                            '"output_reasoning_tokens":$reasoning,"total":$total}',
            "costDetails": '{"total":$cost}', "providedCostDetails": "{}", "inputCost": "", "outputCost": "",
            "totalCost": "$cost", "inputUsage": "$prompt", "outputUsage": "$completion", "totalUsage": "$total",
            "usagePricingTierId": "", "usagePricingTierName": "", "toolDefinitions": "", "toolCalls": "",
            "toolCallNames": "", "traceName": "support-agent", "traceTags": "[]",
            "traceTimestamp": '"$timestamp_iso"', "userId": "user-42", "toolDefinitionsCount": "",
            "toolCallsCount": "", "modelId": "", "inputPrice": "", "outputPrice": "", "totalPrice": "",
            "comments": "[]",
        },
        quote_all=True,
    ),
)

_META = "heliconeMetadata"
HELICONE = UsageFormat(
    name="helicone",
    label="Helicone",
    title="Helicone request export",
    source="https://github.com/Helicone/helicone (web/components/shared/themed/table/exportButton.tsx, "
           "packages/llm-mapper/utils/getMappedContent.ts: heliconeMetadata)",
    detect=("_type", "model", "heliconeMetadata"),
    mapping={
        "prompt_tokens": f"{_META}.promptTokens + {_META}.promptCacheWriteTokens + {_META}.promptCacheReadTokens",
        "cached_tokens": f"{_META}.promptCacheReadTokens",
        "cache_write_tokens": f"{_META}.promptCacheWriteTokens",
        "output_tokens": f"{_META}.completionTokens",
        "timestamp": f"{_META}.createdAt",
        "model": "model",
        "export_cost": f"{_META}.cost",
    },
    caveat="Helicone's promptTokens exclude cache reads and writes; it does not split writes by TTL "
           "(priced at the 5-minute rate)",
    sample=SampleSpec(
        columns={
            "_type": "openai-chat", "id": "$id",
            "schema": '{"request":{"llm_type":"chat","model":"$model_dated","messages":[{"_type":"message",'
                      '"role":"user","content":"Question $n"}]},"response":{"messages":[]}}',
            "preview": '{"request":"Question $n","response":"","concatenatedMessages":[]}',
            "model": "$model_dated",
            "raw": '{"request":{"model":"$model_dated"},"response":{"model":"$model_dated"}}',
            "heliconeMetadata": '{"requestId":"$id","countryCode":"US","cacheEnabled":false,"cacheReferenceId":null,'
                                '"cost":$cost,"createdAt":"$timestamp_iso","path":"/v1/chat/completions",'
                                '"completionTokens":$completion,"promptCacheWriteTokens":$writes,'
                                '"promptCacheReadTokens":$cached,"promptTokens":$uncached,"totalTokens":$total,'
                                '"latency":2100,"user":"user-42","customProperties":null,'
                                '"status":{"statusType":"success","code":200},"feedback":{"createdAt":null,'
                                '"id":null,"rating":null},"provider":"$provider","timeToFirstToken":640,'
                                '"scores":null,"promptId":null,"promptVersion":null}',
        },
        line_end="\r\n", final_newline=False,
    ),
)

FORMATS: tuple[UsageFormat, ...] = (OPENAI, ANTHROPIC, OPENROUTER, LITELLM, LANGFUSE, HELICONE)
"""Every known export, in the order ``replay --formats`` lists them."""


def format_named(name: str) -> UsageFormat | None:
    """The format called ``name`` (ignoring case), or None."""
    return next((fmt for fmt in FORMATS if fmt.name == str(name).strip().lower()), None)


def detect_format(columns: Iterable[str]) -> UsageFormat | None:
    """The format whose identifying columns the header has (the most specific when several match)."""
    header = {str(c).strip() for c in columns}
    matches = [f for f in FORMATS if set(f.detect) <= header]
    return max(matches, key=lambda f: len(f.detect)) if matches else None
