"""The Dask executor: partitions run as tasks on a cluster's workers."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from distributed import Client, Future, LocalCluster, wait

from threadline.pipeline.executors import LOCAL_CLUSTER_WORKERS, Handle

P = TypeVar("P")
R = TypeVar("R")
IN_FLIGHT_PER_THREAD = 2  # enough queued work to keep each worker busy, bounded memory


class DaskExecutor:
    """Submits each partition as a Dask task; a LocalCluster when no scheduler is named.

    Results are taken in submission order with a bounded window of tasks in flight, so a
    corpus larger than memory streams through and the driver sees partitions in order.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = LOCAL_CLUSTER_WORKERS) -> None:
        self._cluster: LocalCluster | None = None
        self._sent = 0  # values sent by `put`, to spread them over the workers
        if scheduler:
            self.client = Client(scheduler)  # type: ignore[no-untyped-call]
        else:
            # One thread per worker process: extraction is pure Python and holds the GIL.
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, dashboard_address=None
            )
            self.client = Client(self._cluster)  # type: ignore[no-untyped-call]

    @property
    def address(self) -> str:
        """The scheduler's address (to hand to another process)."""
        return str(self.client.scheduler_info()["address"])

    def threads(self) -> int:
        """Worker threads in the cluster now."""
        info: dict[str, Any] = self.client.scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info["workers"].values()))

    def map(self, function: Callable[[P], R], partitions: Iterable[P]) -> Iterator[R]:
        """`function(p)` for each partition, in order, at most a few tasks per thread queued."""
        window = IN_FLIGHT_PER_THREAD * self.threads()
        pending: deque[Future[R]] = deque()
        for partition in partitions:
            pending.append(self.client.submit(function, partition, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def submit(self, function: Callable[..., R], /, *args: Any) -> Future[R]:
        """`function(*args)` as a task; futures among the arguments (alone or in lists) are
        resolved on the worker, which fetches their data from the workers holding it."""
        return self.client.submit(function, *args, pure=False)

    def put(self, value: R) -> Future[R]:
        """The value sent to the next worker in turn. A task's own arguments stay in the
        scheduler for as long as its result is held (to recompute it); sent data does not,
        and the tasks that take it run where it lies."""
        workers = sorted(self.client.scheduler_info()["workers"])
        target = workers[self._sent % len(workers)]  # each scatter call starts at the first
        self._sent += 1
        # In a list of one: a list itself would be scattered element by element.
        [future] = self.client.scatter(  # type: ignore[no-untyped-call]
            [value], workers=[target], hash=False
        )
        return future  # type: ignore[no-any-return]

    def gather(self, handles: Sequence[Handle[R]]) -> list[R]:
        """The results of futures, fetched together."""
        return list(self.client.gather(list(handles)))  # type: ignore[no-untyped-call]

    def wait(self, handles: Sequence[Handle[Any]]) -> None:
        """Block until the futures are computed; their results stay on the workers."""
        wait(list(handles))  # type: ignore[no-untyped-call]

    def close(self) -> None:
        """Close the client, and the LocalCluster when this executor started it."""
        self.client.close()  # type: ignore[no-untyped-call]
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
