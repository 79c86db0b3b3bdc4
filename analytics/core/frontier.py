"""The Pareto frontier of cost against capability: the models no other model beats on both at once.

A point is *dominated* when another point costs no more and scores no less, and is strictly better on at least
one of the two. The frontier is every point that is not dominated; rows with an unknown cost or score take no
part (they are neither on the frontier nor able to dominate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def frontier_mask(frame: pd.DataFrame, cost: str = "blended_per_mtok", score: str = "score") -> pd.Series:
    """True for the rows on the frontier (cheaper is better for ``cost``, higher is better for ``score``)."""
    costs = pd.to_numeric(frame[cost], errors="coerce").to_numpy(dtype=float)
    scores = pd.to_numeric(frame[score], errors="coerce").to_numpy(dtype=float)
    known = np.isfinite(costs) & np.isfinite(scores)
    c, s = costs[known], scores[known]
    # pairwise: dominated[i] when some j has c_j <= c_i, s_j >= s_i and (c_j < c_i or s_j > s_i)
    no_worse = (c[None, :] <= c[:, None]) & (s[None, :] >= s[:, None])
    better = (c[None, :] < c[:, None]) | (s[None, :] > s[:, None])
    dominated = (no_worse & better).any(axis=1)
    mask = np.zeros(len(frame), dtype=bool)
    mask[np.flatnonzero(known)] = ~dominated
    return pd.Series(mask, index=frame.index, name="on_frontier")


def pareto_frontier(frame: pd.DataFrame, cost: str = "blended_per_mtok", score: str = "score") -> pd.DataFrame:
    """The frontier rows, cheapest first (so that drawing them in order gives the frontier line).

    Along the frontier, as cost rises the score rises strictly: each step up in price buys a better score.
    """
    on = frontier_mask(frame, cost, score)
    return frame[on].sort_values([cost, score], ascending=[True, True], kind="stable").reset_index(drop=True)
