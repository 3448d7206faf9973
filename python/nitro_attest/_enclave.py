# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""Inside the enclave: the Nitro Secure Module (Nsm) and the insecure Emulator for tests."""

from __future__ import annotations

import datetime as _dt
import functools
from ctypes import byref, c_int, c_size_t, c_uint16, c_void_p
from typing import FrozenSet, Mapping, NamedTuple, Optional, Tuple, Union

from . import _native
from ._errors import NitroAttestError, NsmError
from ._native import lib
from ._verify import BytesLike, _pcr_value, _to_ms


class PcrState(NamedTuple):
    """DescribePCR's answer."""
    locked: bool
    value: bytes


class NsmDescription(NamedTuple):
    """DescribeNSM's answer."""
    version: Tuple[int, int, int]
    module_id: str
    max_pcrs: int
    locked_pcrs: FrozenSet[int]
    digest: str


class Nsm:
    """A client of the Nitro Secure Module: the NSM API (Attestation, DescribePCR, ExtendPCR,
    LockPCR, LockPCRs, DescribeNSM, GetRandom).

    Nsm() opens /dev/nsm (inside an enclave); Nsm(device=PATH) another device node;
    Nsm(emulator=Emulator(...)) an in-process emulator; Nsm(socket=PATH) a running nsm-emulator.
    An emulator is only ever used when asked for. Thread-safe: calls are serialized, one request
    at a time, as on the device. Failures raise NsmError (code "nsm_error" with .nsm_code set
    when the NSM refused; "device_error"; "transport_error"; "invalid_argument").
    """

    def __init__(self, device: str = "/dev/nsm", *, emulator: Optional["Emulator"] = None,
                 socket: Optional[str] = None) -> None:
        self._handle = None
        out = c_void_p()
        if emulator is not None and socket is not None:
            raise ValueError("give emulator= or socket=, not both")
        if emulator is not None:
            _native.call(lib.nitro_attest_emulator_nsm, emulator._handle, byref(out), kind=NsmError)
        elif socket is not None:
            _native.call(lib.nitro_attest_nsm_connect_emulator, socket.encode(), byref(out),
                         kind=NsmError)
        else:
            _native.call(lib.nitro_attest_nsm_open, device.encode(), byref(out), kind=NsmError)
        self._handle = out.value

    def close(self, _free=lib.nitro_attest_nsm_free) -> None:
        """Closes the device or connection (also done when the object is collected)."""
        if getattr(self, "_handle", None):
            _free(self._handle)
            self._handle = None

    __del__ = close

    def __enter__(self) -> "Nsm":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _h(self) -> int:
        if not self._handle:
            raise ValueError("the Nsm is closed")
        return self._handle

    def attestation(self, *, nonce: Optional[BytesLike] = None,
                    user_data: Optional[BytesLike] = None,
                    public_key: Optional[BytesLike] = None) -> bytes:
        """Returns an attestation document (COSE_Sign1 bytes) carrying the given fields; None
        leaves a field out, b"" includes it empty."""
        ud, ud_len = _native.optional_in(user_data)
        n, n_len = _native.optional_in(nonce)
        pk, pk_len = _native.optional_in(public_key)
        return _native.take_bytes(lib.nitro_attest_nsm_attestation, self._h(), ud, ud_len, n,
                                  n_len, pk, pk_len, kind=NsmError)

    def describe_pcr(self, index: int) -> PcrState:
        """Reads PCR `index`: whether it is locked, and its value."""
        locked = c_int()
        value = _native.take_bytes(lib.nitro_attest_nsm_describe_pcr, self._h(),
                                   _native.unsigned(index, 16, "PCR index"), byref(locked),
                                   kind=NsmError)
        return PcrState(bool(locked.value), value)

    def extend_pcr(self, index: int, data: BytesLike) -> bytes:
        """Extends PCR `index` with `data`; returns its new value."""
        d = bytes(data)
        return _native.take_bytes(lib.nitro_attest_nsm_extend_pcr, self._h(),
                                  _native.unsigned(index, 16, "PCR index"), d, len(d),
                                  kind=NsmError)

    def lock_pcr(self, index: int) -> None:
        """Locks PCR `index` until the enclave ends."""
        _native.call(lib.nitro_attest_nsm_lock_pcr, self._h(),
                     _native.unsigned(index, 16, "PCR index"), kind=NsmError)

    def lock_pcrs(self, count: int) -> None:
        """Locks PCRs 0 .. count-1."""
        _native.call(lib.nitro_attest_nsm_lock_pcrs, self._h(),
                     _native.unsigned(count, 16, "PCR count"), kind=NsmError)

    def describe_nsm(self) -> NsmDescription:
        """Returns the NSM's version, module id, PCR count, locked PCRs and digest."""
        out = c_void_p()
        _native.call(lib.nitro_attest_nsm_describe, self._h(), byref(out), kind=NsmError)
        d = out.value
        try:
            major, minor, patch = c_uint16(), c_uint16(), c_uint16()
            lib.nitro_attest_nsm_description_version(d, byref(major), byref(minor), byref(patch))
            locked = frozenset(lib.nitro_attest_nsm_description_locked_at(d, i)
                               for i in range(lib.nitro_attest_nsm_description_locked_count(d)))
            return NsmDescription(
                (major.value, minor.value, patch.value),
                lib.nitro_attest_nsm_description_module_id(d).decode(),
                lib.nitro_attest_nsm_description_max_pcrs(d), locked,
                lib.nitro_attest_nsm_description_digest(d).decode())
        finally:
            lib.nitro_attest_nsm_description_free(d)

    def get_random(self) -> bytes:
        """Returns the random bytes one GetRandom call yields (256 on a real NSM)."""
        return _native.take_bytes(lib.nitro_attest_nsm_get_random, self._h(), kind=NsmError)


class Emulator:
    """An INSECURE in-process NSM for development and tests, with the real NSM's semantics. It
    signs documents with its own generated chain: a verifier accepts them only with
    root=emulator (or its root_der/root_pem). Thread-safe.

    Args:
      seed: makes keys, ids and the root certificate reproducible.
      pcrs: boot measurements {0|1|2|8: 48 bytes (or 96 hex digits)}.
      role_arn, instance_id, module_id: the parent's role (PCR3), instance (PCR4), the
        module_id to report.
      time: a fixed clock (timezone-aware datetime or Unix seconds); None: the system clock.
      definite_payload_map: documents shaped as before 2025 (definite-length payload map).
    """

    def __init__(self, *, seed: Optional[str] = None,
                 pcrs: Optional[Mapping[int, Union[BytesLike, str]]] = None,
                 role_arn: Optional[str] = None, instance_id: Optional[str] = None,
                 module_id: Optional[str] = None,
                 time: Union[_dt.datetime, int, float, None] = None,
                 definite_payload_map: bool = False) -> None:
        self._handle = None
        options = lib.nitro_attest_emulator_options_new()
        if not options:
            raise MemoryError("nitro_attest_emulator_options_new")
        try:
            if seed is not None:
                lib.nitro_attest_emulator_options_set_seed(options, seed.encode())
            for index, value in (pcrs or {}).items():
                v = _pcr_value(value)
                _native.call(lib.nitro_attest_emulator_options_set_pcr, options,
                             _native.unsigned(index, 32, "PCR index"), v, len(v))
            for setter, text in ((lib.nitro_attest_emulator_options_set_role_arn, role_arn),
                                 (lib.nitro_attest_emulator_options_set_instance_id, instance_id),
                                 (lib.nitro_attest_emulator_options_set_module_id, module_id)):
                if text is not None:
                    setter(options, text.encode())
            if time is not None:
                lib.nitro_attest_emulator_options_set_time_ms(options, _to_ms(time))
            lib.nitro_attest_emulator_options_set_definite_map(options,
                                                               1 if definite_payload_map else 0)
            out = c_void_p()
            _native.call(lib.nitro_attest_emulator_new, options, byref(out), kind=NitroAttestError)
            self._handle = out.value
        finally:
            lib.nitro_attest_emulator_options_free(options)

    def __del__(self, _free=lib.nitro_attest_emulator_free) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            _free(handle)
            self._handle = None

    @functools.cached_property
    def root_der(self) -> bytes:
        """The emulator's root certificate, DER."""
        size = c_size_t()
        return _native.view(lib.nitro_attest_emulator_root_der(self._handle, byref(size)), size)

    @functools.cached_property
    def root_pem(self) -> str:
        """The emulator's root certificate, PEM."""
        return lib.nitro_attest_emulator_root_pem(self._handle).decode()

    @functools.cached_property
    def module_id(self) -> str:
        """The module_id its documents carry."""
        return lib.nitro_attest_emulator_module_id(self._handle).decode()

    def nsm(self) -> Nsm:
        """A new NSM client of this emulator (same PCRs, same chain)."""
        return Nsm(emulator=self)
