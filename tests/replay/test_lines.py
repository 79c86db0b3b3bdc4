"""Every message about a row names its first physical line, right even when quoted cells span several lines
(Langfuse writes prompts and completions with their newlines) or blank lines sit between rows."""

from __future__ import annotations

import pytest

from analytics.replay.reading import UsageLogError, read_usage
from analytics.replay.usage import load_usage, read_log

MULTILINE = b'''prompt_tokens,output_tokens,input
100,10,"one line"
200,20,"first line
second line
third line"
300,lots,"after the cell"
400,40,"x"
'''


def test_a_row_after_a_multi_line_cell_is_named_by_its_first_line():
    """Row 2 spans lines 3-5, so row 3 starts on line 6 (not 4)."""
    with pytest.raises(UsageLogError, match=r"output_tokens: row 3 \(line 6\): 'lots' is not a number"):
        load_usage(MULTILINE, "log.csv")


def test_the_reader_keeps_the_first_line_of_every_row():
    assert read_usage(MULTILINE, "log.csv").attrs["lines"].tolist() == [2, 3, 6, 7]
    assert "lines" not in read_usage(b"prompt_tokens,output_tokens\n1,2\n3,4\n", "plain.csv").attrs


def test_blank_lines_between_rows_shift_the_lines_too():
    data = b"prompt_tokens,output_tokens\n1,2\n\n\n3,-4\n"
    with pytest.raises(UsageLogError, match=r"row 2 \(line 5\): -4 is negative"):
        load_usage(data, "gaps.csv")


def test_a_malformed_row_after_a_multi_line_cell_is_named_by_its_first_line():
    data = b'a,b\n1,"x\ny"\n2,3,4\n'
    with pytest.raises(UsageLogError, match=r"malformed CSV: row 2 \(line 4\) has 3 fields, the header 2"):
        read_usage(data, "bad.csv")


def test_lines_survive_skipped_rows(tmp_path):
    """Langfuse-like: a skipped span on row 1 (two lines), a generation with a bad usage cell on row 2 (line 4)."""
    data = (b'"id","traceId","startTime","type","model","usageDetails","costDetails","totalCost"\n'
            b'"s1","t","""2026-02-02T10:00:00Z""","SPAN","","{}","{}",""\n'
            b'"g1","t","""2026-02-02T10:00:01Z""","GENERATION","gpt-5.2","{""input"": ""many""}","{}","0.1"\n')
    data = data.replace(b'"SPAN"', b'"SPAN\nwith a note"')
    with pytest.raises(UsageLogError) as excinfo:
        read_log(data, "lf.csv")
    assert "row 2 (line 4): usageDetails.input is 'many', not a number" in str(excinfo.value)


def test_an_unclosed_quote_names_the_line_it_opens_on():
    data = b'prompt_tokens,output_tokens,note\n1,2,"fine\nstill fine"\n3,4,"never closed\n5,6,x\n'
    with pytest.raises(UsageLogError, match=r"row 2 \(line 4\) opens a quote that is never closed"):
        read_usage(data, "open.csv")
