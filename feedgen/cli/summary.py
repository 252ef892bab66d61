"""The end-of-build summary on the console: what was built, what is wrong, and where to look.

A coordinator reads this, not `-v` or report.html, so it must name the bad rows itself: one line
per rule (count, SKUs, markets, up to three example SKUs) with the first message under it, and
every channel the build was asked for in every market, also those that ended up with no items,
with the rules that emptied them. A channel that vanished from the table would look like a
channel nobody asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feedgen.diagnostics import empty_reasons

if TYPE_CHECKING:
    from feedgen.pipeline.build import BuildResult

EXAMPLES = 3


def summarize(result: BuildResult) -> list[tuple[str, str, int]]:
    """(channel, market or file, items) rows for the end-of-build table.

    Files that belong to one market are summed per market; cross-market files (Meta's main and
    language feeds, the pages index) are listed by name, so no number adds unlike things. Every
    (channel, market) the build covered has a row, with 0 items when nothing was written."""
    rows: dict[tuple[str, str], int] = dict.fromkeys(result.scope, 0)
    for artifact in result.artifacts:
        key = (artifact.channel, artifact.market or artifact.path.rsplit("/", 1)[-1])
        rows[key] = rows.get(key, 0) + artifact.items
    return sorted((channel, where, items) for (channel, where), items in rows.items())


def empty_feeds(result: BuildResult) -> list[str]:
    """One line per channel and market the build covered that got no items, saying why."""
    lines = []
    written = {(a.channel, a.market) for a in result.artifacts if a.market}
    market_ids = [m.id for m in result.markets]
    for channel, market in sorted(result.scope, key=lambda pair: (pair[0], market_ids.index(pair[1])
                                                                  if pair[1] in market_ids else 0)):
        if result.items(channel, market):
            continue
        reasons = empty_reasons(result.diagnostics, channel, market)
        what = "an empty feed" if (channel, market) in written else "no feed"
        # a channel whose items are not SKUs (promotions, reviews) says why in market-level diagnostics
        said = sorted({d.rule_id for d in result.diagnostics if d.channel == channel and d.market == market
                       and not d.sku})
        why = ("every item was left out: " + ", ".join(f"{rule} ({skus} SKUs)" for rule, skus in reasons)
               if reasons else "see " + ", ".join(said) if said else "no item of the catalogue reached it")
        lines.append(f"{channel} {market}: {what}, 0 items; {why}")
    return lines


def rule_lines(result: BuildResult) -> list[str]:
    """The diagnostics grouped by rule: a count line and, indented, the first one's message."""
    lines = []
    built = {m.id for m in result.markets}
    for group in result.diagnostics.groups(EXAMPLES):
        markets = ",".join(sorted(group.markets)) or "-"
        if len(group.markets) > 3 and group.markets == built:
            markets = f"all {len(built)}"
        more = " …" if len(group.skus) > len(group.examples) else ""
        lines.append(f"{group.severity:8} {group.rule:34} {group.count:>6} {len(group.skus) or '-':>6} {markets:11} "
                     f"{', '.join(group.examples)}{more}".rstrip())
        first = group.first
        scope = "/".join(part for part in (first.channel, first.market, first.sku) if part)
        lines.append(f"{'':9}{scope + ': ' if scope else ''}{first.message}")
    return lines


def summary_lines(result: BuildResult, verbose: bool = False) -> list[str]:
    """The whole summary, in the order it is printed."""
    lines: list[str] = []
    rows = summarize(result)
    market_ids = [m.id for m in result.markets]
    channels = sorted({channel for channel, _, _ in rows})
    grid = {(channel, where): items for channel, where, items in rows}
    if rows:  # markets × channels, items per cell; cross-market files listed below the grid
        widths = [max(9, len(channel) + 1) for channel in channels]  # a space before the longest name too
        lines += ["", f"{'items':8}" + "".join(f"{channel:>{w}}" for channel, w in zip(channels, widths, strict=True))]
        for market_id in market_ids:
            cells = (grid.get((channel, market_id)) for channel in channels)
            lines.append(f"{market_id:8}"
                         + "".join(f"{'-' if n is None else n:>{w}}" for n, w in zip(cells, widths, strict=True)))
        lines += [f"  {channel}: {where} ({items} items)" for channel, where, items in rows if where not in market_ids]
    empty = empty_feeds(result)
    if empty:
        lines += ["", "nothing to publish for:"] + [f"  {line}" for line in empty]
    if verbose:
        lines += [diagnostic.one_line() for diagnostic in result.diagnostics]
    if len(result.diagnostics):
        lines += ["", f"{'severity':8} {'rule':34} {'count':>6} {'SKUs':>6} {'markets':11} example SKUs"]
        lines += rule_lines(result)
    diagnostics = result.diagnostics
    lines += ["", f"{diagnostics.errors} error(s), {diagnostics.warnings} warning(s)"]
    return lines
