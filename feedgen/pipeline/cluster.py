"""Markets on a Dask cluster: `feedgen build --scheduler tcp://HOST:8786` (or FEEDGEN_SCHEDULER).

A market is already an independent unit of work (feedgen.pipeline.market_build): this module hands
each one to a Dask distributed scheduler as one task instead of to a forked worker. Dask, not a
scheduler of our own: it places tasks, moves the small job description to the workers, notices a
worker that dies and runs its task again elsewhere (up to the scheduler's `allowed-failures`),
then gives up with KilledWorker. Ray would do the same; Dask fits better because a unit's inputs
and outputs are files on shared storage, not objects, so Ray's object store buys nothing, and a
Dask cluster is two plain commands (`dask scheduler`, `dask worker ADDRESS`) on hosts that
already run Python.

Storage: the client and every worker see the inputs and the output at the same path (a shared
directory: NFS, a mounted volume). The stage is made beside the output by the client as always,
so a worker writes its market's files straight into it; the client then writes the cross-market
files, the manifest and the report, and publishes with the usual swap (feedgen.publish.stage).
Nothing a worker writes is visible in the output before that one step, so a worker that fails or
is killed leaves the published output as it was. URLs (s3://, gs://, file://) are refused in one
line: object stores have no directory swap, and a half-supported scheme would be worse than none.

Each worker checks, before its first market, that it runs the same feedgen, sees the stage, and
reads the same inputs (sha256 of every input file, as in the manifest): a worker on a host where
the share is missing or stale fails the build instead of writing other bytes. It then loads the
catalogue itself, once per build (kept for its next market, dropped when the build ends).

Dask is imported only here, and only when a scheduler is given (`pip install
'feedgen-markets[distributed]'`).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import logging
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator

from feedgen import __version__
from feedgen.errors import EXIT_ENVIRONMENT, FeedgenError, SetupError
from feedgen.config.markets import Market
from feedgen.pipeline.build import BuildRequest, input_files, load_sources, market_job
from feedgen.pipeline.incremental import Part
from feedgen.pipeline.market_build import MarketBuild, MarketJob, MarketRunner, build_market
from feedgen.publish.manifest import Manifest, input_hashes
from feedgen.publish.stage import Stage

if TYPE_CHECKING:
    from distributed import Client

SCHEDULER_ENV = "FEEDGEN_SCHEDULER"
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler, and for it to have a worker
STRAGGLER_WAIT = 30.0  # seconds a failed build waits for the markets still running on workers
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")  # a Path keeps `s3:/bucket` of `s3://bucket`
Progress = Callable[[str], None]


class ClusterFailure(FeedgenError):
    """A worker died (OOM, a lost host) or the scheduler went away: nothing was published. Exit 4,
    like any failure of the system under the build, not of its input."""

    exit_code: ClassVar[int] = EXIT_ENVIRONMENT


@dataclasses.dataclass(frozen=True)
class Unit:
    """What a worker needs to make the build's MarketJob itself: paths every worker shares, the
    build date pinned, the client's view of the inputs to compare with its own."""

    token: str  # one build: the worker keeps its loaded job under it
    request: BuildRequest
    stage: Stage
    previous: Manifest | None
    reuse: dict[str, dict[str, Part]]
    history: Path | None
    inputs: dict[str, str]  # input key -> sha256, as the client read them
    version: str = __version__


def refuse_urls(request: BuildRequest) -> None:
    """A cluster build needs paths every worker mounts; an fsspec URL is refused before anything
    is locked or read."""
    paths = (request.data_dir, request.catalogue, request.markets, request.mapping, request.locales_dir, request.out)
    for path in paths:
        match = _URL.match(str(path)) if path is not None else None
        if match:
            url = f"{match.group(1)}://{str(path)[match.end():]}"
            raise SetupError(f"{url}: {match.group(1)}:// URLs are not supported by a cluster build: give a directory "
                             "the client and every worker mount at the same path (NFS, a shared volume)")


@contextmanager
def cluster_runner(address: str | None, request: BuildRequest,
                   timeout: float = CONNECT_TIMEOUT) -> Iterator[MarketRunner | None]:
    """The runner for `request.runner` while connected to the scheduler at `address`; None (build
    here, with --jobs) without an address."""
    if not address:
        yield None
        return
    refuse_urls(request)
    if request.localizer is not None:
        raise SetupError("--scheduler: a build with a custom localizer cannot run on a cluster")
    client = connect(address, timeout)  # (importing distributed sets its loggers' levels: quiet them after)
    quiet = logging.getLogger("distributed.client")  # its "failed to reconnect" would be a second line
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        yield ClusterRunner(client, address)
    finally:
        client.close()
        quiet.setLevel(level)


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Client:
    """A distributed.Client of the scheduler at `address` with at least one worker, or one line."""
    try:
        from distributed import Client
    except ImportError:
        raise SetupError("--scheduler needs Dask distributed: pip install 'feedgen-markets[distributed]'") from None
    from distributed.comm import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address, strict=False)
        if scheme in ("tcp", "tls"):
            parse_host_port(location)  # a port is required: Dask would guess one, then fail late and noisily
    except ValueError:
        raise SetupError(f"--scheduler: {address!r} is not a scheduler address; give tcp://HOST:PORT "
                         "(`dask scheduler` prints it, e.g. tcp://10.0.0.5:8786)") from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:  # refused, unresolvable, malformed
        raise SetupError(f"--scheduler: cannot reach a Dask scheduler at {address} within {timeout:g} s "
                         f"({type(error).__name__}); start one with `dask scheduler` and give its address, "
                         "e.g. tcp://HOST:8786") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as error:
        client.close()
        raise SetupError(f"--scheduler: the Dask scheduler at {address} has no worker after {timeout:g} s "
                         f"({type(error).__name__}); start one with `dask worker {address}`") from None
    return client


class ClusterRunner:
    """Builds a job's markets as tasks on the cluster; results in the order asked for."""

    def __init__(self, client: Client, address: str) -> None:
        self.client = client
        self.address = address

    def __call__(self, job: MarketJob, markets: list[Market], progress: Progress) -> Iterator[MarketBuild]:
        return self._run(job, markets, progress)

    def _run(self, job: MarketJob, markets: list[Market], progress: Progress) -> Iterator[MarketBuild]:
        if not markets:
            return
        from distributed import as_completed

        unit = unit_of(job)
        workers = len(self.client.scheduler_info().get("workers", {}))
        progress(f"building {len(markets)} market(s) on the Dask cluster at {self.address} ({workers} worker(s))")
        # each task carries the unit (a few KiB to MiB): scattered once instead, it would live on one
        # worker, and that worker's death would take every market's input with it
        futures = [self.client.submit(build_unit, unit, market.id, key=f"feedgen-{unit.token}-{market.id}",
                                      priority=len(job.plan[market.id]))  # markets with more channels first
                   for market in markets]
        position = {future.key: index for index, future in enumerate(futures)}
        done: dict[int, MarketBuild] = {}
        following = 0
        try:
            for future in as_completed(futures, loop=self.client.loop):
                built, messages, worker = self._result(future, markets[position[future.key]], job)
                for message in messages:
                    progress(message)
                progress(f"{built.market} built on {worker}")
                done[position[future.key]] = built
                while following in done:
                    yield done.pop(following)
                    following += 1
        finally:
            self.client.cancel(futures)
            if following < len(markets):  # failed or interrupted: the build removes the stage next
                self._stop(unit.token, progress)
            self._forget(unit.token)

    def _result(self, future: Any, market: Market, job: MarketJob) -> tuple[MarketBuild, list[str], str]:
        """The unit's result; a unit's own exception comes back as itself (an InputError stays exit 2)."""
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        out = job.request.out
        try:
            return future.result()
        except KilledWorker as error:
            raise ClusterFailure(f"market {market.id}: the Dask worker building it died ({error.last_worker.address}, "
                                 f"{error.allowed_failures + 1} attempt(s)); nothing was published, {out}/ is "
                                 "unchanged") from None
        except FutureCancelledError:
            raise ClusterFailure(f"market {market.id}: the Dask scheduler at {self.address} cancelled it or went "
                                 f"away; nothing was published, {out}/ is unchanged") from None

    def _stop(self, token: str, progress: Progress) -> None:
        """Wait (up to STRAGGLER_WAIT) until no worker still runs a market of this build. A cancelled
        task runs on in its thread; removing the stage under it would let it write a stray half of
        the stage back beside the output (harmless: the next build removes it, but not clean)."""
        deadline = time.monotonic() + STRAGGLER_WAIT
        if running := self._running(token):
            progress(f"waiting for {running} market(s) still running on the cluster before the stage is removed")
        while running := self._running(token):
            if time.monotonic() > deadline:
                progress(f"{running} market(s) still running on the cluster; not waiting for them any longer")
                return
            time.sleep(0.1)

    def _running(self, token: str) -> int:
        try:
            counts = self.client.run(running_units, token, on_error="ignore")
        except Exception:  # noqa: BLE001 - a scheduler that is gone runs nothing of ours any more
            return 0
        return sum(count for count in counts.values() if isinstance(count, int))

    def _forget(self, token: str) -> None:
        """Let the workers drop this build's catalogue now instead of at the next build."""
        try:
            self.client.run(forget, token, on_error="ignore")
        except Exception:  # noqa: BLE001 - best effort: a worker that is gone holds nothing
            pass


def unit_of(job: MarketJob) -> Unit:
    """The job as paths and values a worker can rebuild it from: absolute paths (a worker's working
    directory is its own), the build date pinned (a worker may start its market after midnight)."""
    request, sources = job.request, job.sources
    assert sources is not None
    absolute = {name: getattr(request, name).resolve() for name in ("catalogue", "markets", "mapping", "locales_dir")
                if getattr(request, name) is not None}
    shipped = dataclasses.replace(request, data_dir=request.data_dir.resolve(), out=request.out.resolve(),
                                  as_of=sources.as_of, runner=None, **absolute)
    inputs = input_hashes({key: path for key, path in input_files(shipped).items() if path.is_file()})
    stage = copy.copy(job.stage)  # `-o output` stages in ./.feedgen-staging-output.*: relative to this process
    stage.root, stage.out_dir = stage.root.resolve(), stage.out_dir.resolve()
    stage.sync_on_close = True  # a worker elsewhere makes its own files durable (see Stage)
    token = hashlib.sha256(f"{stage.root}\0{sorted(inputs.items())}".encode()).hexdigest()[:16]
    history = job.history.resolve() if job.history is not None else None
    return Unit(token, shipped, stage, job.previous, job.reuse, history, inputs)


_JOBS: dict[str, MarketJob] = {}  # on a worker: the job of the build it is working for
_LOCK = threading.Lock()  # a worker with several threads loads a build's catalogue once


def build_unit(unit: Unit, market_id: str) -> tuple[MarketBuild, list[str], str]:
    """On a worker: build one market. Returns its result, its progress lines and the worker's address."""
    from distributed import get_worker

    address = get_worker().address
    job = _job(unit, address)
    if not unit.stage.root.is_dir():  # the build has failed and removed its stage: write nothing more
        raise ClusterFailure(f"{unit.stage.root}: the stage is gone (the build stopped); market {market_id} not built")
    messages: list[str] = []
    config = job.sources.config if job.sources is not None else None
    assert config is not None
    built = build_market(job, config.markets[market_id], messages.append)
    return built, messages, address


def _job(unit: Unit, address: str) -> MarketJob:
    with _LOCK:
        job = _JOBS.get(unit.token)
        if job is None:
            _JOBS.clear()  # one build at a time: the last build's catalogue goes first
            check_worker(unit, address)
            sources = load_sources(unit.request)
            job = market_job(unit.request, sources.config, sources, unit.stage, unit.previous, unit.reuse)
            job.keep_history(unit.history)
            _JOBS[unit.token] = job
        return job


def check_worker(unit: Unit, address: str) -> None:
    """This worker builds the same bytes the client would, or the build stops here, in one line."""
    if unit.version != __version__:
        raise SetupError(f"{address}: the worker runs feedgen {__version__}, the build {unit.version}: "
                         "install the same version on every worker")
    if not unit.stage.root.is_dir():
        raise SetupError(f"{unit.stage.root}: the build's stage is not visible on the worker {address}: the output "
                         "must be on storage the client and every worker mount at the same path")
    seen = {key: path for key, path in input_files(unit.request).items() if path.is_file()}
    for key in sorted(unit.inputs.keys() - seen.keys()):
        raise SetupError(f"{key}: the worker {address} cannot read this input: the inputs must be on storage the "
                         "client and every worker mount at the same path")
    for key in sorted(seen.keys() - unit.inputs.keys()):
        raise SetupError(f"{seen[key]}: the worker {address} reads this input, the client does not have it: "
                         "client and workers must see the same files")
    for key, sha256 in input_hashes(seen).items():
        if sha256 != unit.inputs[key]:
            raise SetupError(f"{seen[key]}: the worker {address} reads other bytes than the client (sha256 "
                             f"{sha256[:12]} vs {unit.inputs[key][:12]}): client and workers must see the same files")


def running_units(token: str, dask_worker: Any) -> int:
    """On a worker (its event loop): how many of this build's markets its threads are running."""
    prefix = f"feedgen-{token}-"
    return sum(1 for key in list(dask_worker.active_threads.values()) if str(key).startswith(prefix))


def forget(token: str) -> None:
    """On a worker: drop a finished build's job (its catalogue). Runs on the worker's event loop,
    so it never waits for the lock a task thread may hold while it loads (a dict pop is atomic)."""
    _JOBS.pop(token, None)
