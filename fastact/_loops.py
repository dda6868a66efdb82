"""NumPy inner loops for scalar kernels, compiled as cached Numba cfuncs.

A NumPy ufunc inner loop has the C signature
``void loop(char **args, npy_intp *dimensions, npy_intp *steps, void *data)``.
Writing it ourselves (rather than using ``numba.vectorize``) gives three things
Numba's generated loops do not: loops LLVM vectorizes for every layout, a
ufunc that supports ``where=``, and a loop we can finish by clearing the
floating-point status flags (see ``clear_fp_status``).

Contiguous out-of-place calls run the kernel straight over the arrays. Every
other layout (strided, broadcast, out= an input) is copied block by block
into stack memory first, so that the kernel's loop still sees unit strides
and no possible aliasing, which is what LLVM needs to vectorize it.

Every loop is a copy of ``_loop_template`` with its own qualified name and its
own globals (kernel, dtype, arity), so Numba caches each one in its own file.
"""

import hashlib
import pathlib
import platform
import types as pytypes

import numpy as np
from llvmlite import ir
from numba import cfunc, njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from ._single import for_float32
from ._threads import split_over_threads, thread_count

LOOP_SIGNATURE = types.void(
    types.CPointer(types.voidptr),  # char **args
    types.CPointer(types.intp),  # npy_intp *dimensions
    types.CPointer(types.intp),  # npy_intp *steps
    types.voidptr,  # void *data
)

# feclearexcept masks its argument with the platform's FE_ALL_EXCEPT.
_FE_ALL_EXCEPT = {"x86_64": 0x3D, "amd64": 0x3D, "aarch64": 0x1F, "arm64": 0x9F}
FE_ALL_EXCEPT = _FE_ALL_EXCEPT.get(platform.machine().lower(), 0x3F)
# x86-64 code computes in SSE/AVX registers only, whose exception flags are MXCSR's low 6 bits.
X86_SSE = platform.machine().lower() in ("x86_64", "amd64")
MXCSR_FLAGS = 0x3F
MXCSR_FLAGS_NUMPY_CHECKS = 0x1D  # invalid, divide-by-zero, overflow, underflow (not inexact, denormal)


def _element_pointer(builder, base, byte_offset, element_type):
    address = builder.gep(builder.bitcast(base, cgutils.voidptr_t), [byte_offset])
    return builder.bitcast(address, element_type.as_pointer())


@intrinsic
def pointers(typingctx, args, count):
    """The first ``count`` entries of ``char **args``, as a tuple."""
    if not isinstance(count, types.IntegerLiteral):
        return None  # Numba retries with the literal value
    n = count.literal_value
    tuple_type = types.UniTuple(types.voidptr, n)

    def codegen(context, builder, sig, llargs):
        array = llargs[0]
        items = [builder.load(builder.gep(array, [ir.Constant(ir.IntType(64), j)])) for j in range(n)]
        return context.make_tuple(builder, tuple_type, items)

    return tuple_type(args, count), codegen


@intrinsic
def strides(typingctx, steps, count):
    """The first ``count`` entries of ``npy_intp *steps``, as a tuple."""
    if not isinstance(count, types.IntegerLiteral):
        return None
    n = count.literal_value
    tuple_type = types.UniTuple(types.intp, n)

    def codegen(context, builder, sig, llargs):
        array = llargs[0]
        items = [builder.load(builder.gep(array, [ir.Constant(ir.IntType(64), j)])) for j in range(n)]
        return context.make_tuple(builder, tuple_type, items)

    return tuple_type(steps, count), codegen


@intrinsic
def load_as_float64(typingctx, bases, offsets, like):
    """Load one element of type ``like`` from each base, widened to float64.

    ``offsets`` is one byte offset shared by all bases, or a tuple of them.
    """
    n = len(bases)
    tuple_type = types.UniTuple(types.float64, n)

    def codegen(context, builder, sig, llargs):
        base_values, offset_values, _ = llargs
        element = context.get_data_type(sig.args[2])
        items = []
        for j in range(n):
            base = builder.extract_value(base_values, j)
            if isinstance(sig.args[1], types.BaseTuple):
                offset = builder.extract_value(offset_values, j)
            else:
                offset = offset_values
            value = builder.load(_element_pointer(builder, base, offset, element))
            if element != ir.DoubleType():
                value = builder.fpext(value, ir.DoubleType())
            items.append(value)
        return context.make_tuple(builder, tuple_type, items)

    return tuple_type(bases, offsets, like), codegen


@intrinsic
def store_as(typingctx, base, offset, value, like):
    """Store float64 ``value`` at ``base + offset``, rounded to the type of ``like``."""

    def codegen(context, builder, sig, llargs):
        base_value, offset_value, value_value, _ = llargs
        element = context.get_data_type(sig.args[3])
        if element != ir.DoubleType():
            value_value = builder.fptrunc(value_value, element)
        builder.store(value_value, _element_pointer(builder, base_value, offset_value, element))
        return context.get_dummy_value()

    return types.void(base, offset, types.float64, like), codegen


@intrinsic
def clear_fp_status(typingctx):
    """Clear the floating-point exception flags that NumPy checks after a loop.

    Kernels underflow on purpose in the tails (exp(-800) is 0, the correctly
    rounded answer), and NumPy turns any flag left set by a loop into a
    warning or, under ``np.errstate(all='raise')``, an exception. Results are
    exact; the flags carry no information for the caller, so the loop clears
    them. On x86-64 it reads MXCSR and writes it back only when one of those
    flags is set: C99 ``feclearexcept`` also saves and reloads the x87
    environment, about 90 ns a call here, as much as the rest of a small call's
    overhead. Elsewhere it calls ``feclearexcept``, by name, so that the cached
    code stays relocatable.
    """

    def codegen(context, builder, sig, llargs):
        if X86_SSE:
            _clear_mxcsr_flags(builder)
        else:
            fnty = ir.FunctionType(ir.IntType(32), [ir.IntType(32)])
            fn = cgutils.get_or_insert_function(builder.module, fnty, "feclearexcept")
            builder.call(fn, [ir.Constant(ir.IntType(32), FE_ALL_EXCEPT)])
        return context.get_dummy_value()

    return types.void(), codegen


def _clear_mxcsr_flags(builder):
    int32 = ir.IntType(32)
    slot = cgutils.alloca_once(builder, int32)
    address = builder.bitcast(slot, cgutils.voidptr_t)
    control = ir.FunctionType(ir.VoidType(), [cgutils.voidptr_t])
    builder.call(cgutils.get_or_insert_function(builder.module, control, "llvm.x86.sse.stmxcsr"), [address])
    status = builder.load(slot)
    raised = builder.icmp_unsigned(
        "!=", builder.and_(status, ir.Constant(int32, MXCSR_FLAGS_NUMPY_CHECKS)), ir.Constant(int32, 0)
    )
    with builder.if_then(raised, likely=False):
        builder.store(builder.and_(status, ir.Constant(int32, ~MXCSR_FLAGS)), slot)
        builder.call(
            cgutils.get_or_insert_function(builder.module, control, "llvm.x86.sse.ldmxcsr"), [address]
        )


# LLVM tunes AVX-512 CPUs since Skylake-SP to vectorize with 256-bit registers ("prefer-256-bit":
# early parts clocked down under 512-bit code). fastact's loops are compute-bound, and with
# 512-bit registers they do twice the arithmetic per instruction; CPUs without AVX-512 ignore it.
WIDE_VECTORS = '"prefer-vector-width"="512"'


@intrinsic
def prefer_wide_vectors(typingctx):
    """Let LLVM vectorize the calling function with the CPU's widest registers.

    Sets the function attribute WIDE_VECTORS on the function being compiled:
    it applies to loops in that function's own body and to nothing else in the
    process (a global NUMBA_CPU_FEATURES setting would change every Numba
    user's code). Numba optimizes a callee, loop vectorization included,
    before linking it into its caller, so a function whose loop matters calls
    this itself (its vectorized loop stays 512-bit when inlined). The
    attribute is added to the set directly: llvmlite accepts only keyword
    attributes through ``FunctionAttributes.add``.
    """

    def codegen(context, builder, sig, llargs):
        set.add(builder.function.attributes, WIDE_VECTORS)
        return context.get_dummy_value()

    return types.void(), codegen


_helper = njit(forceinline=True, error_model="numpy")
BLOCK = 512  # elements per staged block: (inputs + 1) x 4 KiB of stack, in L1


@intrinsic
def stack_blocks(typingctx, count):
    """``count`` pointers to BLOCK uninitialized float64s each, on the stack.

    Allocated in the function's entry block, like cgutils.alloca_once but
    without its zero fill (a memset on every call).
    """
    if not isinstance(count, types.IntegerLiteral):
        return None
    n = count.literal_value
    tuple_type = types.UniTuple(types.voidptr, n)

    def codegen(context, builder, sig, llargs):
        with builder.goto_entry_block():
            blocks = [builder.alloca(ir.ArrayType(ir.DoubleType(), BLOCK)) for _ in range(n)]
        pointers = [builder.bitcast(block, cgutils.voidptr_t) for block in blocks]
        return context.make_tuple(builder, tuple_type, pointers)

    return tuple_type(count), codegen


@intrinsic
def is_any(typingctx, pointers, pointer):
    """Whether ``pointer`` equals any entry of the tuple ``pointers``."""

    def codegen(context, builder, sig, llargs):
        tup, target = llargs
        result = cgutils.false_bit
        for j in range(len(pointers)):
            result = builder.or_(result, builder.icmp_unsigned("==", builder.extract_value(tup, j), target))
        return result

    return types.boolean(pointers, pointer), codegen


@_helper
def stage_block(source, step, start, count, block, itemsize, like):
    """Elements start, ..., start+count-1 of a strided array into ``block``, contiguous, in their
    own type (``like``'s): a float32 loop's kernel then runs in float32 lanes, as on unit-stride
    arrays (staged as float64, in place float32 sigmoid took 2.5-2.7x its time).

    Broadcast (step 0) and unit-stride inputs get loops of their own, which vectorize.
    """
    if step == 0:
        (value,) = load_as_float64((source,), 0, like)
        for j in range(count):
            store_as(block, j * itemsize, value, like)
    elif step == itemsize:
        for j in range(count):
            (value,) = load_as_float64((source,), (start + j) * itemsize, like)
            store_as(block, j * itemsize, value, like)
    else:
        for j in range(count):
            (value,) = load_as_float64((source,), (start + j) * step, like)
            store_as(block, j * itemsize, value, like)


@_helper
def unstage_block(block, destination, step, start, count, itemsize, like):
    """The inverse of stage_block: ``block`` into a strided array."""
    if step == itemsize:
        for j in range(count):
            (value,) = load_as_float64((block,), j * itemsize, like)
            store_as(destination, (start + j) * itemsize, value, like)
    else:
        for j in range(count):
            (value,) = load_as_float64((block,), j * itemsize, like)
            store_as(destination, (start + j) * step, value, like)


# Placeholders: compile_loop gives every copy of the template its own values.
KERNEL = NIN = ITEMSIZE = CONTIGUOUS = LIKE = None


def _loop_template(args, dimensions, steps, data):
    prefer_wide_vectors()
    n = dimensions[0]
    threads = thread_count(data, n)
    if threads > 1:
        split_over_threads(args, n, steps, data, NIN + 1, threads)
        return
    inputs = pointers(args, NIN)
    output = args[NIN]
    in_steps = strides(steps, NIN)
    out_step = steps[NIN]
    if out_step == ITEMSIZE and in_steps == CONTIGUOUS and not is_any(inputs, output):
        # Unit stride everywhere, no input overwritten: the form LLVM vectorizes.
        for i in range(n):
            offset = i * ITEMSIZE
            store_as(output, offset, KERNEL(*load_as_float64(inputs, offset, LIKE)), LIKE)
    else:
        # Strided, broadcast (stride 0) or in place: over the loop above, LLVM
        # would run scalar (strides unknown at compile time; an overlap check
        # that equal pointers fail). Copy each block of inputs to stack memory,
        # which aliases nothing, so that the kernel's loop vectorizes.
        staged = stack_blocks(NIN)
        (results,) = stack_blocks(1)
        for start in range(0, n, BLOCK):
            count = min(BLOCK, n - start)
            for k in range(NIN):
                stage_block(inputs[k], in_steps[k], start, count, staged[k], ITEMSIZE, LIKE)
            for j in range(count):
                offset = j * ITEMSIZE
                store_as(results, offset, KERNEL(*load_as_float64(staged, offset, LIKE)), LIKE)
            unstage_block(results, output, out_step, start, count, ITEMSIZE, LIKE)
    clear_fp_status()


def _source_fingerprint():
    """Hash of the source compiled into the loops: a changed formula must not hit a stale cache.

    Numba invalidates a cached function only when its own file changes; the
    kernels live in other modules, so each loop's name carries this hash.
    """
    package = pathlib.Path(__file__).parent
    digest = hashlib.sha256()
    compiled = ["_single.py", "_loops.py", "_build.py", "_threads.py"]
    for pattern in ("_elementary*.py", "_*coefficients.py"):
        compiled += [path.name for path in package.glob(pattern)]
    for path in sorted([*package.glob("formulas/*.py"), *(package / name for name in compiled)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


SOURCE_FINGERPRINT = _source_fingerprint()


def compile_loop(kernel, nin, dtype, name, cache=True):
    """A cfunc running ``kernel`` (float64 scalars in, float64 out) over ``dtype`` arrays.

    A float32 loop runs the kernel compiled against the float32-accuracy
    elementary kernels (fastact._single): its result is rounded to float32.
    Cached on disk unless ``cache`` is false (Numba can show the assembly only of
    code it compiled in this process).
    """
    dtype = np.dtype(dtype)
    if dtype == np.float32:
        kernel = for_float32(kernel)
    qualname = f"loop_{name}_{dtype.char}_{SOURCE_FINGERPRINT}"
    namespace = dict(
        _loop_template.__globals__,
        KERNEL=kernel,
        NIN=nin,
        ITEMSIZE=dtype.itemsize,
        CONTIGUOUS=(dtype.itemsize,) * nin,
        LIKE=dtype.type(0),
    )
    code = _loop_template.__code__.replace(co_name=qualname, co_qualname=qualname)
    loop = pytypes.FunctionType(code, namespace, qualname)
    return cfunc(LOOP_SIGNATURE, cache=cache, error_model="numpy")(loop)
