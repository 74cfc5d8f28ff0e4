"""Threads for elementwise work on large arrays (the optimizers' update rules).

NumPy's matrix products already use the BLAS threads; its elementwise ufuncs
run on one core. An update rule over a million-element weight is a dozen such
passes, so numnet splits large arrays into one piece per thread: ufuncs
release the GIL, and each element is computed exactly as before, so the
results are the same bit for bit whatever the thread count.

>>> import numnet
>>> numnet.set_num_threads(2)
>>> numnet.get_num_threads()
2
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["get_num_threads", "set_num_threads", "split_apply"]

# A piece smaller than this costs more in hand-over than it saves.
MIN_PIECE = 1 << 17

_threads = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
_pool: ThreadPoolExecutor | None = None


def get_num_threads() -> int:
    """How many threads numnet uses for elementwise work on large arrays."""
    return _threads


def set_num_threads(n: int) -> None:
    """Use ``n`` threads (1 turns the splitting off); the BLAS threads are set apart,
    with ``threadpoolctl.threadpool_limits``."""
    global _threads, _pool
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: n must be a positive int, got {n!r}")
    if n != _threads and _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None
    _threads = n


def split_apply(fn: Callable[..., None], arrays: list[np.ndarray]) -> None:
    """Call ``fn(*pieces)`` on matching flat pieces of equally shaped arrays, in parallel.

    ``fn`` must be elementwise and write its results in place into its
    arguments. Small arrays, a single thread, or arrays that are not
    C-contiguous (flattening would copy them and lose the writes) run as one call.
    """
    global _pool
    size = arrays[0].size
    pieces = min(_threads, size // MIN_PIECE)
    if pieces < 2 or not all(a.flags.c_contiguous for a in arrays):
        fn(*arrays)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(_threads - 1, thread_name_prefix="numnet")
    flats = [a.reshape(-1) for a in arrays]
    bounds = [size * i // pieces for i in range(pieces + 1)]
    jobs = [[f[lo:hi] for f in flats] for lo, hi in zip(bounds[:-1], bounds[1:])]
    futures = [_pool.submit(fn, *job) for job in jobs[1:]]
    fn(*jobs[0])  # this thread takes the first piece
    for future in futures:
        future.result()
