"""Threads for large arrays, inside the ufunc inner loop.

A ufunc inner loop over n elements splits itself into chunks and runs each
chunk, through a shared trampoline, by calling *itself* on the sub-range in a
POSIX thread created for this call and joined before returning. There is no
persistent pool: any Python thread may call any ufunc at any time, and a
forked child starts with nothing to repair. Threads are created only when every
thread gets at least ``grain`` elements, so small arrays pay nothing but one
comparison.

Each loop receives, as the ufunc's per-loop ``data`` pointer, a block of int64:
the trampoline's address, the maximum thread count, the loop's own address, the
address of a block that says "serial" (what the chunks run with) and the grain.
Addresses are runtime values, never constants in the compiled code, so Numba's
on-disk cache stays valid across processes.
"""

import ctypes
import functools
import os

import numpy as np
from llvmlite import ir
from numba import carray, cfunc, njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# Layout of a loop's data block.
TRAMPOLINE, MAX_THREADS, LOOP, SERIAL_BLOCK, GRAIN = range(5)
BLOCK_SIZE = 5
DEFAULT_GRAIN = 1 << 16  # elements per thread: ~50 µs of the cheapest work, > a thread's start-up
CHUNK_ALIGN = 64  # elements; keeps chunk boundaries on cache lines

THREADS_AVAILABLE = os.name == "posix"

_I64 = ir.IntType(64)
_I32 = ir.IntType(32)
_VOIDPTR = cgutils.voidptr_t
_START_ROUTINE = ir.FunctionType(_VOIDPTR, [_VOIDPTR])
_LOOP_FUNCTION = ir.FunctionType(  # void loop(char **args, npy_intp *n, npy_intp *steps, void *data)
    ir.VoidType(), [_VOIDPTR.as_pointer(), _I64.as_pointer(), _I64.as_pointer(), _VOIDPTR]
)


@intrinsic
def as_int64_pointer(typingctx, pointer):
    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], _I64.as_pointer())

    return types.CPointer(types.int64)(pointer), codegen


@intrinsic
def address_of(typingctx, pointer):
    """A pointer (or an array's data) as an int64 address."""

    def codegen(context, builder, sig, args):
        return builder.ptrtoint(args[0], _I64)

    return types.int64(pointer), codegen


@intrinsic
def _start_thread(typingctx, routine, argument, handle):
    """pthread_create(handle, NULL, routine, argument) == 0, all passed as int64 addresses."""

    def codegen(context, builder, sig, args):
        routine, argument, handle = args
        fnty = ir.FunctionType(_I32, [_I64.as_pointer(), _VOIDPTR, _START_ROUTINE.as_pointer(), _VOIDPTR])
        create = cgutils.get_or_insert_function(builder.module, fnty, "pthread_create")
        status = builder.call(
            create,
            [
                builder.inttoptr(handle, _I64.as_pointer()),
                _VOIDPTR(None),
                builder.inttoptr(routine, _START_ROUTINE.as_pointer()),
                builder.inttoptr(argument, _VOIDPTR),
            ],
        )
        return builder.icmp_signed("==", status, ir.Constant(_I32, 0))

    return types.boolean(types.int64, types.int64, types.int64), codegen


@intrinsic
def _join_thread(typingctx, handle):
    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(_I32, [_I64, _VOIDPTR.as_pointer()])
        join = cgutils.get_or_insert_function(builder.module, fnty, "pthread_join")
        builder.call(join, [args[0], _VOIDPTR.as_pointer()(None)])
        return context.get_dummy_value()

    return types.void(types.int64), codegen


@intrinsic
def _call_routine(typingctx, routine, argument):
    def codegen(context, builder, sig, args):
        fn = builder.inttoptr(args[0], _START_ROUTINE.as_pointer())
        builder.call(fn, [builder.inttoptr(args[1], _VOIDPTR)])
        return context.get_dummy_value()

    return types.void(types.int64, types.int64), codegen


@intrinsic
def _call_loop(typingctx, loop, args, count, steps, data):
    """loop(args, count, steps, data) for a ufunc inner loop given by int64 addresses."""

    def codegen(context, builder, sig, llargs):
        loop, args, count, steps, data = llargs
        fn = builder.inttoptr(loop, _LOOP_FUNCTION.as_pointer())
        builder.call(
            fn,
            [
                builder.inttoptr(args, _VOIDPTR.as_pointer()),
                builder.inttoptr(count, _I64.as_pointer()),
                builder.inttoptr(steps, _I64.as_pointer()),
                builder.inttoptr(data, _VOIDPTR),
            ],
        )
        return context.get_dummy_value()

    return types.void(types.int64, types.int64, types.int64, types.int64, types.int64), codegen


# A task, one per chunk: [loop, serial block, count, steps address, arg address 0, 1, ...].
_TASK_HEADER = 4


def _trampoline(task):
    fields = carray(as_int64_pointer(task), _TASK_HEADER)
    base = address_of(task)
    _call_loop(fields[0], base + 8 * _TASK_HEADER, base + 16, fields[3], fields[1])
    return task


@functools.cache
def trampoline_address():
    """Compiled on first use, not at import: loading any compiled code costs Numba ~0.3 s once."""
    return cfunc(types.voidptr(types.voidptr), cache=True)(_trampoline).address


@njit(inline="always")
def thread_count(data, n):
    """How many threads the loop should split n elements over (1 without a data block)."""
    if address_of(data) == 0:
        return 1
    block = carray(as_int64_pointer(data), BLOCK_SIZE)
    return max(1, min(block[MAX_THREADS], n // max(block[GRAIN], 1)))


@njit
def run_in_threads(args, n, steps, data, nargs, threads):
    """Run the loop on ``threads`` chunks of its n elements, chunk 0 on this thread."""
    block = carray(as_int64_pointer(data), BLOCK_SIZE)
    arg_addresses = carray(as_int64_pointer(args), nargs)
    step_values = carray(as_int64_pointer(steps), nargs)
    chunk = ((n + threads - 1) // threads + CHUNK_ALIGN - 1) // CHUNK_ALIGN * CHUNK_ALIGN
    tasks = np.empty((threads, _TASK_HEADER + nargs), np.int64)
    for t in range(threads):
        start = min(t * chunk, n)
        tasks[t, 0] = block[LOOP]
        tasks[t, 1] = block[SERIAL_BLOCK]
        tasks[t, 2] = min(start + chunk, n) - start
        tasks[t, 3] = address_of(steps)
        for j in range(nargs):
            tasks[t, _TASK_HEADER + j] = arg_addresses[j] + start * step_values[j]
    handles = np.zeros(threads, np.int64)
    started = np.zeros(threads, np.bool_)
    row_bytes = 8 * (_TASK_HEADER + nargs)
    first_task = np.int64(tasks.ctypes.data)
    first_handle = np.int64(handles.ctypes.data)
    for t in range(1, threads):
        started[t] = _start_thread(block[TRAMPOLINE], first_task + t * row_bytes, first_handle + 8 * t)
    _call_routine(block[TRAMPOLINE], first_task)
    for t in range(1, threads):
        if started[t]:
            _join_thread(handles[t])
        else:  # no thread to be had: do the chunk here
            _call_routine(block[TRAMPOLINE], first_task + t * row_bytes)


@njit
def _never_called(args, n, steps, data, nargs, threads):
    """Stands in for run_in_threads where there are no POSIX threads (thread_count is then 1)."""


split_over_threads = run_in_threads if THREADS_AVAILABLE else _never_called


def default_threads():
    configured = os.environ.get("FASTACT_NUM_THREADS")
    if configured:
        return max(1, int(configured))
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


_settings = {"threads": default_threads() if THREADS_AVAILABLE else 1, "grain": DEFAULT_GRAIN}
_blocks = []
_serial_block = (ctypes.c_int64 * BLOCK_SIZE)(0, 1, 0, 0, DEFAULT_GRAIN)


def data_block(loop_address):
    """The data block for a compiled loop (kept alive here, updated by ``set_num_threads``)."""
    block = (ctypes.c_int64 * BLOCK_SIZE)()
    block[TRAMPOLINE] = trampoline_address()
    block[LOOP] = loop_address
    block[SERIAL_BLOCK] = ctypes.addressof(_serial_block)
    block[MAX_THREADS] = _settings["threads"]
    block[GRAIN] = _settings["grain"]
    _blocks.append(block)
    return block


def set_num_threads(threads, grain=None):
    """Use at most ``threads`` threads per call (1 turns threading off); ``grain``: elements per thread."""
    if int(threads) < 1:
        raise ValueError(f"fastact.set_num_threads: threads must be >= 1 (got {threads})")
    _settings["threads"] = int(threads) if THREADS_AVAILABLE else 1
    if grain is not None:
        _settings["grain"] = max(1, int(grain))
    for block in _blocks:
        block[MAX_THREADS] = _settings["threads"]
        block[GRAIN] = _settings["grain"]


def get_num_threads():
    return _settings["threads"]
