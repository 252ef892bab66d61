"""`feedgen deliver`: send the last published build to every destination in DATA/delivery.toml.

Order of events, each chosen so a bad night loses nothing:
1. delivery.toml is read and every needed environment variable checked before anything is sent
   (a configuration problem is exit 2 with nothing touched);
2. the output lock is taken (no build swaps output/ while its files are being read) and the
   published build is read through manifest.json only, each file checked against its hash;
3. per destination, independently: pending remote jobs are polled, files the remote already has
   (per the receipt) are skipped, the shrink guard compares with what was *last delivered there*,
   and the rest are sent one by one with retries; the receipt is updated after every file.
Secrets are scrubbed from every line this module produces, as a second fence behind `Secret`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Mapping

from feedgen.deliver.config import (DELIVERY, Destination, check_files, load_destinations, missing_variables,
                                    needs_secrets, resolve_secrets, secret_values)
from feedgen.deliver.errors import DeliveryError
from feedgen.deliver.destinations import open_destination
from feedgen.deliver.transport import Sent
from feedgen.deliver.page import DestinationView, file_rows, render_page, write_page
from feedgen.deliver.plan import OutFile, Published, check_local, plan, read_published
from feedgen.deliver.receipts import Receipt, load_receipt, now, save_receipt
from feedgen.deliver.retry import Backoff, GaveUp, call_with_retry
from feedgen.diagnostics import Diagnostic, Diagnostics
from feedgen.errors import InputError
from feedgen.publish.lock import OutputLock

Say = Callable[[str], None]

DELIVERED, UP_TO_DATE, PENDING, FAILED, REFUSED, DRY_RUN = (
    "delivered", "up to date", "pending", "failed", "refused", "would send")


@dataclass
class DeliverRequest:
    data_dir: Path = Path("product_data")
    out: Path = Path("output")
    config: Path | None = None  # default DATA/delivery.toml
    only: list[str] | None = None  # --to
    dry_run: bool = False
    force: bool = False  # skip the shrink guard
    again: bool = False  # resend files the remote already has
    status: bool = False  # only report (and poll pending jobs)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    backoff: Backoff | None = None


@dataclass
class Row:
    """One destination's line in the summary."""

    name: str
    channel: str
    url: str
    files: int = 0
    bytes: int = 0
    outcome: str = ""
    confirmation: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list, repr=False)  # this destination's, for delivery.html


@dataclass
class DeliveryResult:
    rows: list[Row] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @property
    def failed(self) -> bool:
        return any(row.outcome == FAILED for row in self.rows)

    @property
    def refused(self) -> bool:
        return any(row.outcome == REFUSED for row in self.rows)


class Scrubber:
    """Replaces every secret value in a text by its variable's name: whatever a library put in an
    exception message, it leaves this module without the secret."""

    def __init__(self, destinations: list[Destination]) -> None:
        self.pairs = [(value, f"${env}") for value, env in _secret_pairs(destinations)]

    def __call__(self, text: str) -> str:
        for value, name in self.pairs:
            text = text.replace(value, name)
        return text


def _secret_pairs(destinations: list[Destination]) -> list[tuple[str, str]]:
    values = set(secret_values(destinations))
    pairs = {(s.reveal(), s.env) for d in destinations for s in d.secrets.values() if s.reveal() in values}
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def select(destinations: list[Destination], only: list[str] | None, config: Path) -> list[Destination]:
    if not only:
        return destinations
    names = {d.name for d in destinations}
    unknown = [name for name in only if name not in names]
    if unknown:
        raise InputError(config, f"--to {unknown[0]}: no such destination (there are: {', '.join(sorted(names))})")
    return [d for d in destinations if d.name in only]


def deliver(request: DeliverRequest, say: Say = lambda line: None, warn: Say = lambda line: None) -> DeliveryResult:
    """Deliver (or, with dry_run / status, describe) the published build. InputError: bad config."""
    config = request.config or request.data_dir / DELIVERY
    destinations = _with_secrets(select(load_destinations(config), request.only, config), request)
    scrub = Scrubber(destinations)
    say, warn = _scrubbing(say, scrub), _scrubbing(warn, scrub)
    if request.dry_run:
        return _dry_run_all(destinations, request, say)
    backoff = request.backoff or Backoff(budget=300.0)
    result = DeliveryResult()
    context = {"data_dir": request.data_dir, "status": request.status}
    with OutputLock(request.out, warn):
        published = read_published(request.out)
        plans = {d.name: plan(d, published) for d in destinations}  # every config problem before any send
        for destination in destinations:
            receipt, note = load_receipt(request.out, destination.name, destination.url)
            if note:
                warn(note)
            row = Row(destination.name, destination.channel, destination.url)
            before = set(result.diagnostics)  # Diagnostics iterates sorted: this run's are the new ones, not a tail
            try:
                if request.status:
                    _status(destination, receipt, backoff, context, row, result, say, request.out, scrub)
                else:
                    _deliver_one(destination, plans[destination.name], published, receipt, request, backoff,
                                 context, row, result, say, scrub)
            except (DeliveryError, GaveUp, Exception) as error:  # noqa: BLE001 - one destination never stops the others
                if _propagates(error):
                    raise
                _record_failure(_failure_text(destination, error), destination, receipt, row, result, request.out,
                                scrub)
            row.diagnostics = [d for d in result.diagnostics if d not in before]
            result.rows.append(row)
        _scrub_result(result, scrub)
        _write_page(request, destinations, published, result, scrub)
    return result


def _scrubbing(say: Say, scrub: Callable[[str], str]) -> Say:
    return lambda line: say(scrub(line))


def _with_secrets(destinations: list[Destination], request: DeliverRequest) -> list[Destination]:
    """A real run needs every secret (exit 2 before anything is sent); --status polls what it can
    (a destination without its variables is only shown); --dry-run needs none."""
    if not request.dry_run and not request.status:
        return [resolve_secrets(d, request.environ) for d in destinations]
    if request.status:
        return [_try_secrets(d, request.environ) for d in destinations]
    return destinations


def _dry_run_all(destinations: list[Destination], request: DeliverRequest, say: Say) -> DeliveryResult:
    result = DeliveryResult()
    published = read_published(request.out)
    for destination in destinations:  # every configuration problem a real run would meet, before any plan
        check_files(destination)
    plans = {d.name: plan(d, published) for d in destinations}
    for destination in destinations:
        files = plans[destination.name]
        receipt, _ = load_receipt(request.out, destination.name, destination.url)
        result.rows.append(_dry_run(destination, files, receipt, request, say))
    return result


def _propagates(error: Exception) -> bool:
    """Errors that end the whole run rather than one destination's delivery."""
    if isinstance(error, OSError) and not isinstance(error, ConnectionError):
        return True  # our own disk (receipts): exit 4 for the whole run, as build does
    if isinstance(error, InputError):
        return True  # configuration read late (markets.toml for a marketplace id): one line, exit 2
    return not isinstance(error, (DeliveryError, GaveUp)) and bool(os.environ.get("FEEDGEN_TRACEBACK"))


def _failure_text(destination: Destination, error: Exception) -> str:
    if isinstance(error, (DeliveryError, GaveUp)):
        return str(error)
    return (f"{destination.name}: internal error {type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]} "
            "(a bug in feedgen: please report it with FEEDGEN_TRACEBACK=1)")


def _record_failure(text: str, destination: Destination, receipt: Receipt, row: Row, result: DeliveryResult,
                    out: Path, scrub: Callable[[str], str]) -> None:
    """A failed destination: its row, its receipt and a deliver.failed diagnostic; the others go on."""
    row.outcome, row.confirmation = FAILED, scrub(text)
    receipt.outcome, receipt.message, receipt.time = FAILED, row.confirmation, now()
    save_receipt(out, receipt)
    result.diagnostics.add(Diagnostic("deliver.failed", "error", row.confirmation, channel=destination.channel))


def _scrub_result(result: DeliveryResult, scrub: Callable[[str], str]) -> None:
    result.diagnostics = Diagnostics(replace(d, message=scrub(d.message)) for d in result.diagnostics)
    for row in result.rows:
        row.confirmation = scrub(row.confirmation)
        row.diagnostics = [replace(d, message=scrub(d.message)) for d in row.diagnostics]


def _write_page(request: DeliverRequest, destinations: list[Destination], published: Published,
                result: DeliveryResult, scrub: Callable[[str], str]) -> None:
    """output/delivery.html from the receipts as they now are and this run's diagnostics."""
    views = []
    for destination, row in zip(destinations, result.rows, strict=True):  # one row per destination
        receipt, _ = load_receipt(request.out, destination.name, destination.url)
        files = file_rows(receipt.files)
        views.append(DestinationView(name=destination.name, channel=destination.channel,
                                     url=destination.display_url, outcome=row.outcome,
                                     confirmation=row.confirmation, sent_files=0 if request.status else row.files,
                                     sent_bytes=0 if request.status else row.bytes, time=receipt.time,
                                     files=files, diagnostics=row.diagnostics))
    html = render_page(views=views, manifest_sha256=published.manifest_sha256,
                       built_at=published.manifest.built_at or "", written_at=now(),
                       mode="status" if request.status else "deliver")
    write_page(request.out, html, scrub)


def _try_secrets(destination: Destination, environ: Mapping[str, str]) -> Destination:
    try:
        return resolve_secrets(destination, environ)
    except InputError:
        return destination


def _dry_run(destination: Destination, files: list[OutFile], receipt: Receipt, request: DeliverRequest,
             say: Say) -> Row:
    """What would go where: offline, no credentials, nothing written (not even a receipt)."""
    to_send = files if request.again else [f for f in files if not receipt.delivered(f.remote, f.sha256)]
    refusal = None if request.force else shrink_guard(destination, files, receipt)
    say(f"{destination.name} ({destination.scheme}, {destination.channel}) -> {destination.display_url}")
    missing = missing_variables(destination, request.environ)
    if missing:
        say(f"  a real run needs {', '.join(missing)} set (not set here; --dry-run needs no credentials)")
    for file in files:
        state = "send" if file in to_send else "has it"
        say(f"  {state:6} {file.path} -> {file.remote} ({file.bytes:,} bytes, {file.items} items)")
    for remote in stale_files(files, receipt):
        say(f"  remove {remote} (left from an earlier build's split feed; after every file above is delivered)")
    if refusal:
        say(f"  the shrink guard would refuse: {refusal}")
    outcome = REFUSED if refusal else DRY_RUN if to_send else UP_TO_DATE
    return Row(destination.name, destination.channel, destination.url, files=len(to_send),
               bytes=sum(f.bytes for f in to_send), outcome=outcome,
               confirmation=refusal or f"{len(files) - len(to_send)} already there")


def shrink_guard(destination: Destination, files: list[OutFile], receipt: Receipt) -> str | None:
    """Why sending `files` could wipe listings, compared with what the destination last received;
    None if it is safe. Platforms read a feed as the whole truth: an empty or much shorter file
    deletes items (Meta refuses an empty one; Merchant Center and Amazon act on it)."""
    if destination.channel == "pages":  # pages carry no item counts: compare how many files go
        before = sum(1 for record in receipt.files.values() if record.get("status") == "delivered")
        if before and _dropped(before, len(files)) > destination.max_drop:
            return (f"{len(files)} page file(s) instead of the {before} last delivered "
                    f"(more than max_drop {destination.max_drop:g}% fewer); --force sends anyway")
        return None
    for feed, parts in _by_feed(files).items():  # a split feed is one feed to the platform: its parts summed
        items = sum(file.items for file in parts)
        name = feed if [file.path for file in parts] == [feed] else f"{feed} ({len(parts)} parts)"
        if items == 0:
            return f"{name} has no items: sending it would delete every listing it feeds; --force sends anyway"
        last = [record for remote, record in receipt.files.items() if _record_feed(remote, record) == feed
                and record.get("status") in ("delivered", "pending") and isinstance(record.get("items"), int)]
        if last:
            before = sum(record["items"] for record in last)
            drop = _dropped(before, items)
            if drop > destination.max_drop:
                return (f"{name} has {items} items, {drop:.0f}% fewer than the {before} last "
                        f"delivered here (max_drop {destination.max_drop:g}%); --force sends anyway")
    return None


def _by_feed(files: list[OutFile]) -> dict[str, list[OutFile]]:
    grouped: dict[str, list[OutFile]] = {}
    for file in files:
        grouped.setdefault(file.feed, []).append(file)
    return grouped


def _record_feed(remote: str, record: dict) -> str:
    """The feed a receipt's file belonged to (its part_of, else its path; the remote name for old receipts)."""
    return str(record.get("part_of") or record.get("path") or remote)


def stale_files(files: list[OutFile], receipt: Receipt) -> list[str]:
    """Remote names this destination got for one of these feeds that the build no longer has: the parts
    of a feed that has shrunk into fewer files (or the whole file of a feed now split). Sorted. A whole
    file under another name (remote_name changed) is not touched: only splitting makes files go away."""
    current = {file.remote for file in files}
    split = {file.feed for file in files if file.part_of}
    feeds = {file.feed for file in files}
    return sorted(remote for remote, record in receipt.files.items()
                  if remote not in current and _record_feed(remote, record) in feeds
                  and (record.get("part_of") or _record_feed(remote, record) in split))


def _remove_stale(destination: Destination, files: list[OutFile], transport, receipt: Receipt, backoff: Backoff,
                  result: DeliveryResult, say: Say, out: Path) -> int:
    """After the whole new set is delivered (never before: the platform would meanwhile miss items), delete
    what is left of an earlier, bigger split. A refusal is a warning: the file stays and is tried again."""
    removed = 0
    for remote in stale_files(files, receipt):
        try:
            how = call_with_retry(partial(transport.remove, remote), backoff)
        except (DeliveryError, GaveUp) as error:
            result.diagnostics.add(Diagnostic(
                "deliver.stale_part", "warning", f"{destination.name}: {remote} is left from an earlier build whose "
                f"feed was split into more files, and removing it failed: {error}; delete it (and its data source, "
                "if the platform has one per file) by hand", channel=destination.channel))
            continue
        say(f"… {destination.name}: {remote} removed (no longer part of the build): {how}")
        del receipt.files[remote]
        save_receipt(out, receipt)
        removed += 1
    return removed


def _dropped(before: int, after: int) -> float:
    return 0.0 if before <= 0 or after >= before else 100.0 * (before - after) / before


def _deliver_one(destination: Destination, files: list[OutFile], published: Published, receipt: Receipt,
                 request: DeliverRequest, backoff: Backoff, context: dict, row: Row, result: DeliveryResult,
                 say: Say, scrub: Callable[[str], str]) -> None:
    transport = open_destination(destination, backoff, context)
    try:
        pending_left = _poll_pending(destination, transport, receipt, backoff, result, say, request.out, scrub)
        to_send = files if request.again else [f for f in files if not receipt.delivered(f.remote, f.sha256)]
        blocked = [f for f in to_send if f.remote in pending_left]
        if blocked:  # never pile a second feed on one the platform has not finished
            to_send = [f for f in to_send if f.remote not in pending_left]
            say(f"{destination.name}: {len(blocked)} file(s) wait for the pending job(s) before them")
        if not to_send and not blocked:
            if not pending_left:
                _remove_stale(destination, files, transport, receipt, backoff, result, say, request.out)
            _nothing_to_send(files, pending_left, published, receipt, row, request.out)
            return
        refusal = None if request.force else shrink_guard(destination, files, receipt)
        if refusal:
            _refuse(destination, refusal, receipt, row, result, request.out)
            return
        confirmations, pending = _send_files(destination, to_send, transport, receipt, backoff, row, result, say,
                                             request.out, scrub)
        row.outcome = PENDING if pending or blocked else DELIVERED
        row.confirmation = _summarise(confirmations, pending, blocked)
        if row.outcome == DELIVERED and (removed := _remove_stale(destination, files, transport, receipt, backoff,
                                                                  result, say, request.out)):
            row.confirmation += f"; {removed} stale file(s) of an earlier split removed"
        receipt.outcome, receipt.message = row.outcome, row.confirmation
        if row.outcome == DELIVERED:
            receipt.manifest_sha256 = published.manifest_sha256
        save_receipt(request.out, receipt)
    finally:
        transport.close()


def _nothing_to_send(files: list[OutFile], pending_left: set[str], published: Published, receipt: Receipt,
                     row: Row, out: Path) -> None:
    """The remote has every file (or waits on a job): up to date, or still pending."""
    row.outcome = PENDING if pending_left else UP_TO_DATE
    row.confirmation = (f"{len(pending_left)} job(s) still pending" if pending_left
                        else f"all {len(files)} file(s) already delivered")
    receipt.outcome, receipt.message, receipt.time = row.outcome, row.confirmation, now()
    if not pending_left:
        receipt.manifest_sha256 = published.manifest_sha256
    save_receipt(out, receipt)


def _refuse(destination: Destination, refusal: str, receipt: Receipt, row: Row, result: DeliveryResult,
            out: Path) -> None:
    row.outcome, row.confirmation = REFUSED, f"shrink guard: {refusal}"
    receipt.outcome, receipt.message, receipt.time = REFUSED, row.confirmation, now()
    save_receipt(out, receipt)
    result.diagnostics.add(Diagnostic("deliver.shrink_guard", "error", f"{destination.name}: {refusal}",
                                      channel=destination.channel))


def _send_files(destination: Destination, to_send: list[OutFile], transport, receipt: Receipt, backoff: Backoff,
                row: Row, result: DeliveryResult, say: Say, out: Path,
                scrub: Callable[[str], str]) -> tuple[list[str], int]:
    """Send one file at a time, saving the receipt after each (a crash loses nothing already sent);
    the confirmations and the number of jobs the platform still runs."""
    confirmations: list[str] = []
    pending = 0
    for file in to_send:
        problem = check_local(file)
        if problem:
            raise DeliveryError(f"{destination.name}: {problem}")
        say(f"… {destination.name}: {file.path} -> {file.remote} ({file.bytes:,} bytes)")
        sent = _scrubbed(call_with_retry(partial(transport.send, file), backoff), scrub)
        result.diagnostics.extend(sent.diagnostics)
        receipt.files[file.remote] = _record(file, sent)
        receipt.time = now()
        save_receipt(out, receipt)
        if sent.failed:
            raise DeliveryError(f"{destination.name}: {file.path}: {sent.failed}")
        pending += sent.pending
        confirmations.append(sent.confirmation)
        row.files += 1
        row.bytes += file.bytes
    return confirmations, pending


def _scrubbed(sent: Sent, scrub: Callable[[str], str]) -> Sent:
    """What a platform said, without any secret value, before it reaches a receipt or the console."""
    sent.confirmation = scrub(sent.confirmation)
    sent.failed = scrub(sent.failed) if sent.failed else None
    sent.diagnostics = [replace(d, message=scrub(d.message)) for d in sent.diagnostics]
    return sent


def _record(file: OutFile, sent: Sent) -> dict:
    status = "failed" if sent.failed else "pending" if sent.pending else "delivered"
    record = {"path": file.path, "sha256": file.sha256, "bytes": file.bytes, "items": file.items,
              "market": file.market, "status": status, "confirmation": sent.confirmation, "time": now()}
    if file.part_of:
        record["part_of"] = file.part_of
    if sent.remote_id:
        record["remote_id"] = sent.remote_id
    return record


def _summarise(confirmations: list[str], pending: int, blocked: list[OutFile]) -> str:
    distinct = sorted(set(confirmations))
    text = distinct[0] if len(distinct) == 1 else "; ".join(distinct[:3]) + ("; …" if len(distinct) > 3 else "")
    if len(confirmations) > 1 and len(distinct) == 1:
        text = f"each: {text}"
    if pending:
        text += f"; {pending} job(s) pending: `feedgen deliver --status` checks them"
    if blocked:
        text += f"; {len(blocked)} file(s) held back behind pending jobs"
    return text


def _poll_pending(destination: Destination, transport, receipt: Receipt, backoff: Backoff,
                  result: DeliveryResult, say: Say, out: Path, scrub: Callable[[str], str]) -> set[str]:
    """Check jobs the platform had not finished at the last run; returns the remote names still pending."""
    still: set[str] = set()
    for remote, record in sorted(receipt.pending().items()):
        sent = _scrubbed(call_with_retry(partial(transport.poll, remote, record), backoff), scrub)
        result.diagnostics.extend(sent.diagnostics)
        record.update(status="failed" if sent.failed else "pending" if sent.pending else "delivered",
                      confirmation=sent.failed or sent.confirmation, time=now())
        save_receipt(out, receipt)
        say(f"… {destination.name}: {remote} {record['confirmation']}")
        if sent.pending:
            still.add(remote)
    return still


def _status(destination: Destination, receipt: Receipt, backoff: Backoff, context: dict, row: Row,
            result: DeliveryResult, say: Say, out: Path, scrub: Callable[[str], str]) -> None:
    """The last delivery to `destination`, polling pending jobs when its credentials are at hand."""
    row.files, row.bytes = len(receipt.files), sum(int(r.get("bytes", 0)) for r in receipt.files.values())
    if not receipt.time:
        row.outcome, row.confirmation = "never", "no delivery recorded"
        return
    pending = receipt.pending()
    if pending and (destination.secrets or not needs_secrets(destination)):
        transport = open_destination(destination, backoff, context)
        try:
            still = _poll_pending(destination, transport, receipt, backoff, result, say, out, scrub)
        except (DeliveryError, GaveUp) as error:  # --status reports; it does not turn a delivery into a failure
            still = set(pending)
            say(f"{destination.name}: could not check the pending job(s): {error}")
            result.diagnostics.add(Diagnostic("deliver.status_unknown", "warning", str(error),
                                              channel=destination.channel))
        finally:
            transport.close()
        if not still:
            receipt.outcome = DELIVERED if all(r.get("status") == "delivered" for r in receipt.files.values()) \
                else FAILED
            save_receipt(out, receipt)
    elif pending:
        say(f"{destination.name}: {len(pending)} pending job(s); set the credentials' variables to poll them")
    row.outcome = receipt.outcome
    row.confirmation = f"last {receipt.time}: {receipt.message}" if receipt.message else f"last {receipt.time}"
    for remote, record in sorted(receipt.files.items()):
        say(f"{destination.name}: {remote} {record.get('status')} {record.get('time', '')} "
            f"{record.get('remote_id', '')} {record.get('confirmation', '')}".rstrip())


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return str(count)  # pragma: no cover


def format_summary(result: DeliveryResult) -> str:
    """The table the command ends with: one line per destination."""
    lines = [f"\n{'destination':16} {'channel':8} {'files':>5} {'bytes':>9}  {'outcome':10}  confirmation"]
    for row in result.rows:
        lines.append(f"{row.name:16} {row.channel:8} {row.files:>5} {_size(row.bytes):>9}  {row.outcome:10}  "
                     f"{row.confirmation}")
    counts = {outcome: sum(1 for r in result.rows if r.outcome == outcome) for outcome in
              (DELIVERED, UP_TO_DATE, PENDING, REFUSED, FAILED, DRY_RUN)}
    lines.append("\n" + ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) or "nothing to deliver")
    return "\n".join(lines)
