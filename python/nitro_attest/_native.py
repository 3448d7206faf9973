# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""The C ABI of libnitro_attest (include/nitro_attest/nitro_attest.h) through ctypes.

The library is found, in order: $NITRO_ATTEST_LIBRARY; the path `cmake --install` wrote into
_install.py (relative to this package, so a moved prefix still works); the system's linker path.
ctypes releases the GIL during every call, so verifications in several threads run in parallel.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint8, c_uint16
from ctypes import c_uint32, c_uint64, c_void_p
from typing import Optional, Tuple

from ._errors import NitroAttestError

_u8p = POINTER(c_uint8)


def _library_path() -> str:
    explicit = os.environ.get("NITRO_ATTEST_LIBRARY")
    if explicit:
        return explicit
    try:
        from . import _install  # written by cmake --install
    except ImportError:
        _install = None
    if _install is not None:
        return os.path.normpath(os.path.join(os.path.dirname(__file__), _install.LIBRARY))
    found = ctypes.util.find_library("nitro_attest")
    if found is None:
        raise ImportError(
            "libnitro_attest not found: install nitro-attest (cmake --install) or set "
            "NITRO_ATTEST_LIBRARY to libnitro_attest.so")
    return found


lib = ctypes.CDLL(_library_path())

# name: (restype, argtypes)
_PROTOTYPES = {
    "nitro_attest_error_code": (c_int, [c_void_p]),
    "nitro_attest_error_detail": (c_char_p, [c_void_p]),
    "nitro_attest_error_cert_index": (c_int, [c_void_p]),
    "nitro_attest_error_nsm_code": (c_int, [c_void_p]),
    "nitro_attest_error_free": (None, [c_void_p]),
    "nitro_attest_code_name": (c_char_p, [c_int]),
    "nitro_attest_nsm_code_name": (c_char_p, [c_int]),
    "nitro_attest_free": (None, [c_void_p]),
    "nitro_attest_version": (c_char_p, []),
    # Documents
    "nitro_attest_decode_input": (
        c_int, [c_char_p, c_size_t, POINTER(_u8p), POINTER(c_size_t), POINTER(c_void_p)]),
    "nitro_attest_inspect": (c_int, [c_char_p, c_size_t, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_document_free": (None, [c_void_p]),
    "nitro_attest_document_verified": (c_int, [c_void_p]),
    "nitro_attest_document_module_id": (c_char_p, [c_void_p]),
    "nitro_attest_document_digest": (c_char_p, [c_void_p]),
    "nitro_attest_document_timestamp_ms": (c_uint64, [c_void_p]),
    "nitro_attest_document_certificate": (_u8p, [c_void_p, POINTER(c_size_t)]),
    "nitro_attest_document_cabundle_count": (c_size_t, [c_void_p]),
    "nitro_attest_document_cabundle_at": (_u8p, [c_void_p, c_size_t, POINTER(c_size_t)]),
    "nitro_attest_document_pcr_count": (c_size_t, [c_void_p]),
    "nitro_attest_document_pcr_at": (
        _u8p, [c_void_p, c_size_t, POINTER(c_uint32), POINTER(c_size_t)]),
    "nitro_attest_document_field": (_u8p, [c_void_p, c_int, POINTER(c_size_t)]),
    "nitro_attest_document_verified_at_ms": (c_int64, [c_void_p]),
    "nitro_attest_document_at_document_time": (c_int, [c_void_p]),
    "nitro_attest_document_any_image": (c_int, [c_void_p]),
    "nitro_attest_document_pcr_set": (c_int64, [c_void_p, POINTER(c_char_p)]),
    "nitro_attest_document_leaf_subject": (c_char_p, [c_void_p]),
    "nitro_attest_document_leaf_not_before_ms": (c_int64, [c_void_p]),
    "nitro_attest_document_leaf_not_after_ms": (c_int64, [c_void_p]),
    "nitro_attest_document_check_count": (c_size_t, [c_void_p]),
    "nitro_attest_document_check_at": (c_char_p, [c_void_p, c_size_t]),
    # Policy and verification
    "nitro_attest_policy_new": (c_void_p, []),
    "nitro_attest_policy_copy": (c_void_p, [c_void_p]),
    "nitro_attest_policy_free": (None, [c_void_p]),
    "nitro_attest_policy_clear_roots": (None, [c_void_p]),
    "nitro_attest_policy_add_root": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_void_p)]),
    "nitro_attest_policy_set_time_ms": (c_int, [c_void_p, c_int64, POINTER(c_void_p)]),
    "nitro_attest_policy_set_at_document_time": (None, [c_void_p, c_int]),
    "nitro_attest_policy_set_max_age_ms": (c_int, [c_void_p, c_int64, POINTER(c_void_p)]),
    "nitro_attest_policy_expect": (
        c_int, [c_void_p, c_int, c_char_p, c_size_t, POINTER(c_void_p)]),
    "nitro_attest_policy_set_pcr": (
        c_int, [c_void_p, c_uint32, c_char_p, c_size_t, POINTER(c_void_p)]),
    "nitro_attest_policy_add_pcr_set": (
        c_int, [c_void_p, c_char_p, POINTER(c_size_t), POINTER(c_void_p)]),
    "nitro_attest_policy_set_pcr_in_set": (
        c_int, [c_void_p, c_size_t, c_uint32, c_char_p, c_size_t, POINTER(c_void_p)]),
    "nitro_attest_policy_allow_any_image": (None, [c_void_p, c_int]),
    "nitro_attest_policy_allow_debug": (None, [c_void_p, c_int]),
    "nitro_attest_verify": (
        c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_verifier_new": (c_void_p, [c_size_t]),
    "nitro_attest_verifier_free": (None, [c_void_p]),
    "nitro_attest_verifier_verify": (
        c_int, [c_void_p, c_void_p, c_char_p, c_size_t, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_verifier_stats": (
        None, [c_void_p, POINTER(c_uint64), POINTER(c_uint64), POINTER(c_uint64)]),
    # The NSM
    "nitro_attest_nsm_open": (c_int, [c_char_p, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_nsm_connect_emulator": (
        c_int, [c_char_p, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_nsm_free": (None, [c_void_p]),
    "nitro_attest_nsm_attestation": (
        c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, c_char_p, c_size_t,
                POINTER(_u8p), POINTER(c_size_t), POINTER(c_void_p)]),
    "nitro_attest_nsm_describe_pcr": (
        c_int, [c_void_p, c_uint16, POINTER(c_int), POINTER(_u8p), POINTER(c_size_t),
                POINTER(c_void_p)]),
    "nitro_attest_nsm_extend_pcr": (
        c_int, [c_void_p, c_uint16, c_char_p, c_size_t, POINTER(_u8p), POINTER(c_size_t),
                POINTER(c_void_p)]),
    "nitro_attest_nsm_lock_pcr": (c_int, [c_void_p, c_uint16, POINTER(c_void_p)]),
    "nitro_attest_nsm_lock_pcrs": (c_int, [c_void_p, c_uint16, POINTER(c_void_p)]),
    "nitro_attest_nsm_get_random": (
        c_int, [c_void_p, POINTER(_u8p), POINTER(c_size_t), POINTER(c_void_p)]),
    "nitro_attest_nsm_describe": (c_int, [c_void_p, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_nsm_description_free": (None, [c_void_p]),
    "nitro_attest_nsm_description_version": (
        None, [c_void_p, POINTER(c_uint16), POINTER(c_uint16), POINTER(c_uint16)]),
    "nitro_attest_nsm_description_module_id": (c_char_p, [c_void_p]),
    "nitro_attest_nsm_description_digest": (c_char_p, [c_void_p]),
    "nitro_attest_nsm_description_max_pcrs": (c_uint16, [c_void_p]),
    "nitro_attest_nsm_description_locked_count": (c_size_t, [c_void_p]),
    "nitro_attest_nsm_description_locked_at": (c_uint16, [c_void_p, c_size_t]),
    # The emulator
    "nitro_attest_emulator_options_new": (c_void_p, []),
    "nitro_attest_emulator_options_free": (None, [c_void_p]),
    "nitro_attest_emulator_options_set_seed": (None, [c_void_p, c_char_p]),
    "nitro_attest_emulator_options_set_pcr": (
        c_int, [c_void_p, c_uint32, c_char_p, c_size_t, POINTER(c_void_p)]),
    "nitro_attest_emulator_options_set_role_arn": (None, [c_void_p, c_char_p]),
    "nitro_attest_emulator_options_set_instance_id": (None, [c_void_p, c_char_p]),
    "nitro_attest_emulator_options_set_module_id": (None, [c_void_p, c_char_p]),
    "nitro_attest_emulator_options_set_time_ms": (None, [c_void_p, c_int64]),
    "nitro_attest_emulator_options_set_definite_map": (None, [c_void_p, c_int]),
    "nitro_attest_emulator_new": (c_int, [c_void_p, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_emulator_free": (None, [c_void_p]),
    "nitro_attest_emulator_nsm": (c_int, [c_void_p, POINTER(c_void_p), POINTER(c_void_p)]),
    "nitro_attest_emulator_root_der": (_u8p, [c_void_p, POINTER(c_size_t)]),
    "nitro_attest_emulator_root_pem": (c_char_p, [c_void_p]),
    "nitro_attest_emulator_module_id": (c_char_p, [c_void_p]),
}

for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    _function = getattr(lib, _name)
    _function.restype = _restype
    _function.argtypes = _argtypes

# nitro_attest_field
FIELD_USER_DATA, FIELD_NONCE, FIELD_PUBLIC_KEY = 1, 2, 3


def code_name(code: int) -> str:
    """The stable name of a status code, e.g. "bad_signature"."""
    return lib.nitro_attest_code_name(code).decode()


def raise_error(status: int, error: c_void_p, kind: type = NitroAttestError) -> None:
    """Raises `kind` for a failed call, taking (and freeing) its error object."""
    handle = error.value
    try:
        if handle:
            detail = lib.nitro_attest_error_detail(handle).decode(errors="replace")
            cert_index: Optional[int] = lib.nitro_attest_error_cert_index(handle)
            nsm_code = lib.nitro_attest_error_nsm_code(handle)
        else:  # the error object itself could not be allocated
            detail, cert_index, nsm_code = "", -1, 0
    finally:
        lib.nitro_attest_error_free(handle)
    raise kind(
        code_name(status), detail,
        cert_index=None if cert_index is None or cert_index < 0 else cert_index,
        nsm_code=lib.nitro_attest_nsm_code_name(nsm_code).decode() if nsm_code else None)


def call(function, *args, kind: type = NitroAttestError) -> None:
    """Calls a C function whose last parameter is the error out-pointer; raises on failure."""
    error = c_void_p()
    status = function(*args, byref(error))
    if status != 0:
        raise_error(status, error, kind)


def take_bytes(function, *args, kind: type = NitroAttestError) -> bytes:
    """Calls a C function that returns library-allocated bytes (data, len) before its error."""
    data = _u8p()
    size = c_size_t()
    call(function, *args, byref(data), byref(size), kind=kind)
    try:
        return ctypes.string_at(data, size.value)
    finally:
        lib.nitro_attest_free(data)


def view(pointer, size: c_size_t) -> Optional[bytes]:
    """Copies bytes a handle owns (None for a NULL pointer)."""
    if not pointer:
        return None
    return ctypes.string_at(pointer, size.value)


def optional_in(value) -> Tuple[Optional[bytes], int]:
    """An optional bytes argument: None is absent (NULL); b"" is present and empty."""
    if value is None:
        return None, 0
    data = bytes(value)
    return data, len(data)


def unsigned(value: int, bits: int, what: str) -> int:
    """Checks an integer argument of a C uint<bits>_t: ctypes would silently wrap 2**bits to 0
    (PCR 4294967296 would become PCR 0)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} is an int, not {type(value).__name__}")
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{what} {value} is out of range")
    return value
