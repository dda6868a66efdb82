"""Create NumPy ufunc objects from inner-loop pointers through NumPy's C API.

``PyUFunc_FromFuncAndData`` is entry 1 of NumPy's stable ufunc C-API table,
which NumPy exports as the capsule ``_UFUNC_API``. Calling it through ctypes
gives a plain ``numpy.ufunc``: unlike Numba's ufunc builder it does not mark
outputs read-write-allocate, so ``where=`` works as for NumPy's own ufuncs.

NumPy keeps the pointers it is given (loops, type codes, name, doc) without
copying them; ``_KEEPALIVE`` holds them for the life of the process.
"""

import ctypes

import numpy as np

try:  # NumPy >= 2
    from numpy._core import _multiarray_umath as _umath
except ImportError:  # NumPy 1.x
    from numpy.core import _multiarray_umath as _umath

_PyUFunc_None = -1
_FROM_FUNC_AND_DATA_INDEX = 1

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

_api_table = ctypes.cast(_capsule_pointer(_umath._UFUNC_API, None), ctypes.POINTER(ctypes.c_void_p))
_from_func_and_data = ctypes.PYFUNCTYPE(
    ctypes.py_object,
    ctypes.c_void_p,  # PyUFuncGenericFunction *func
    ctypes.c_void_p,  # void **data
    ctypes.c_char_p,  # char *types
    ctypes.c_int,  # ntypes
    ctypes.c_int,  # nin
    ctypes.c_int,  # nout
    ctypes.c_int,  # identity
    ctypes.c_char_p,  # name
    ctypes.c_char_p,  # doc
    ctypes.c_int,  # unused
)(_api_table[_FROM_FUNC_AND_DATA_INDEX])

_KEEPALIVE = []


def make_ufunc(name, doc, nin, loops):
    """A ``numpy.ufunc`` with one output.

    ``loops`` is a sequence of ``(dtype, loop, data)`` in the order NumPy should
    try them: a compiled cfunc taking ``nin`` inputs of that dtype and writing
    one output of it, and the ctypes object NumPy passes it as ``data``.
    """
    count = len(loops)
    functions = (ctypes.c_void_p * count)(*[loop.address for _, loop, _ in loops])
    data = (ctypes.c_void_p * count)(*[ctypes.addressof(block) for _, _, block in loops])
    type_codes = bytes(np.dtype(dtype).num for dtype, _, _ in loops for _ in range(nin + 1))
    type_buffer = ctypes.create_string_buffer(type_codes, len(type_codes))
    name_bytes = name.encode()
    doc_bytes = doc.encode()
    ufunc = _from_func_and_data(
        functions, data, type_buffer, count, nin, 1, _PyUFunc_None, name_bytes, doc_bytes, 0
    )
    _KEEPALIVE.append((functions, data, type_buffer, name_bytes, doc_bytes, loops))
    return ufunc
