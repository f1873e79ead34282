"""Where batches run: in this process, or on a Dask cluster. What they do is the caller's.

An executor maps one pure, picklable function over partitions and yields the results in
the order of the partitions, so every executor gives the driver the same sequence and the
driver's merge (store writes, linking) is the same code whatever ran the partitions.

For work in several rounds, `submit` runs one function and keeps its result where it was
computed (a Dask future on a worker; in process, the value): later rounds take such handles
as arguments, alone or in lists, and only what the driver `gather`s travels to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from threadline.errors import InputError

P = TypeVar("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Handle(Protocol[R_co]):
    """A result kept where it was computed: a Dask future, or in process the value itself."""

    def result(self) -> R_co:
        """The value (fetched to this process)."""
        ...


class Executor(Protocol):
    """Maps a function over partitions; results come back in partition order."""

    name: str

    def threads(self) -> int:
        """How many tasks can run at once."""
        ...

    def map(self, function: Callable[[P], R], partitions: Iterable[P]) -> Iterator[R]:
        """`function(p)` for each partition, in order."""
        ...

    def submit(self, function: Callable[..., R], /, *args: Any) -> Handle[R]:
        """Run `function(*args)` where the executor runs work; handles among the arguments
        (alone, or in a list or tuple) stand for their values. The result stays there."""
        ...

    def put(self, value: R) -> Handle[R]:
        """Send a value to where the work runs; its handle stands for it as an argument."""
        ...

    def gather(self, handles: Sequence[Handle[R]]) -> list[R]:
        """The values of handles, fetched to this process."""
        ...

    def wait(self, handles: Sequence[Handle[Any]]) -> None:
        """Block until the handles' results are computed, leaving them where they are."""
        ...

    def close(self) -> None:
        """Release what the executor started (a cluster); idempotent."""
        ...


@dataclass(frozen=True, slots=True)
class Held(Generic[R]):
    """A result computed in this process: the handle of the local executor."""

    value: R

    def result(self) -> R:
        """The value."""
        return self.value


def _resolved(argument: Any) -> Any:
    if isinstance(argument, Held):
        return argument.value
    if isinstance(argument, list | tuple):
        return type(argument)(_resolved(item) for item in argument)
    return argument


class LocalExecutor:
    """Runs each partition in this process, one after the other, lazily."""

    name = "local"

    def threads(self) -> int:
        """One: this process."""
        return 1

    def map(self, function: Callable[[P], R], partitions: Iterable[P]) -> Iterator[R]:
        """`function(p)` for each partition, in order."""
        return (function(partition) for partition in partitions)

    def submit(self, function: Callable[..., R], /, *args: Any) -> Held[R]:
        """`function(*args)`, now, with held values in place of their handles."""
        return Held(function(*(_resolved(argument) for argument in args)))

    def put(self, value: R) -> Held[R]:
        """The value, held."""
        return Held(value)

    def gather(self, handles: Sequence[Handle[R]]) -> list[R]:
        """The values."""
        return [handle.result() for handle in handles]

    def wait(self, handles: Sequence[Handle[Any]]) -> None:
        """Nothing to wait for: `submit` computed them."""

    def close(self) -> None:
        """Nothing to release."""


def _local(_scheduler: str | None, _workers: int) -> Executor:
    return LocalExecutor()


def _dask(scheduler: str | None, workers: int) -> Executor:
    # Imported here on purpose: `distributed` takes about a second to import, and only the
    # Dask executor should pay for it (every CLI command imports this package).
    from threadline.pipeline._dask import DaskExecutor

    return DaskExecutor(scheduler, workers)


EXECUTORS: dict[str, Callable[[str | None, int], Executor]] = {"local": _local, "dask": _dask}


LOCAL_CLUSTER_WORKERS = 2  # worker processes of a LocalCluster when none are asked for


def make_executor(name: str, scheduler: str | None = None, workers: int | None = None) -> Executor:
    """The named executor; `scheduler` is a Dask address (none starts a LocalCluster).

    `workers` sizes the LocalCluster; a cluster named by `scheduler` has its own workers.
    """
    factory = EXECUTORS.get(name)
    if factory is None:
        raise InputError(f"unknown executor {name!r}; choose from {', '.join(sorted(EXECUTORS))}")
    if scheduler and name != "dask":
        raise InputError("--scheduler needs --executor dask")
    if workers is not None:
        if name != "dask":
            raise InputError("--dask-workers needs --executor dask")
        if scheduler:
            raise InputError("--dask-workers sizes a LocalCluster; a --scheduler has its own")
        if workers < 1:
            raise InputError(f"--dask-workers must be at least 1, not {workers}")
    return factory(scheduler, LOCAL_CLUSTER_WORKERS if workers is None else workers)
