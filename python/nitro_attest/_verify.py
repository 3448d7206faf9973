# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""Verifying attestation documents: Policy, verify(), Verifier, inspect() and the documents."""

from __future__ import annotations

import datetime as _dt
import functools
from ctypes import byref, c_char_p, c_size_t, c_uint32, c_uint64, c_void_p
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import VerificationError
from ._native import lib

BytesLike = Union[bytes, bytearray, memoryview]
Time = Union[_dt.datetime, int, float, str]
Age = Union[_dt.timedelta, int, float]
PcrValues = Mapping[int, Union[BytesLike, str]]
PcrSets = Union[Sequence[PcrValues], Mapping[str, PcrValues], None]


class _Absent:
    """The type of ABSENT."""

    _instance: Optional["_Absent"] = None

    def __new__(cls) -> "_Absent":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "nitro_attest.ABSENT"


#: Pass as nonce=, user_data= or public_key= to require that the document has no such field
#: (null or omitted). None, the default, does not check the field at all.
ABSENT = _Absent()
Expected = Union[BytesLike, _Absent, None]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MS = _dt.timedelta(milliseconds=1)


def _int64(ms: int) -> int:
    # ctypes would wrap a larger value silently, possibly into a plausible time.
    if not -(1 << 63) <= ms < (1 << 63):
        raise ValueError(f"{ms} ms is out of range")
    return ms


def _to_ms(at: Union[_dt.datetime, int, float]) -> int:
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            raise ValueError("a datetime must be timezone-aware (e.g. tzinfo=timezone.utc)")
        return _int64((at - _EPOCH) // _MS)
    if isinstance(at, bool) or not isinstance(at, (int, float)):
        raise TypeError(f"a time is a datetime or Unix seconds, not {type(at).__name__}")
    return _int64(int(at * 1000))


def _from_ms(ms: int) -> _dt.datetime:
    return _EPOCH + _dt.timedelta(milliseconds=ms)


def _pcr_value(value: Union[BytesLike, str]) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value)
    return bytes(value)


def _root_list(root) -> Tuple[bytes, ...]:
    from ._enclave import Emulator  # an emulator's root, for development

    if isinstance(root, (bytes, bytearray, memoryview, str, Emulator)):
        root = [root]
    roots = []
    for r in root:
        if isinstance(r, Emulator):
            roots.append(r.root_der)
        elif isinstance(r, str):
            roots.append(r.encode())
        else:
            roots.append(bytes(r))
    return tuple(roots)


@functools.lru_cache(maxsize=64)
def _roots_policy(roots: Tuple[bytes, ...]) -> int:
    """A C policy holding only these roots, parsed once (a certificate costs about a
    millisecond to parse with OpenSSL 3.0); Policy copies it. Kept for the process."""
    handle = lib.nitro_attest_policy_new()
    if not handle:
        raise MemoryError("nitro_attest_policy_new")
    try:
        lib.nitro_attest_policy_clear_roots(handle)
        for r in roots:
            _native.call(lib.nitro_attest_policy_add_root, handle, r, len(r),
                         kind=VerificationError)
    except BaseException:
        lib.nitro_attest_policy_free(handle)
        raise
    return handle


class Policy:
    """The trust and policy of a verification (the C++ VerifyOptions), built once and usable for
    any number of verifications, from several threads at once.

    Args:
      root: the trusted root certificate(s), PEM or DER (bytes or str), or an Emulator; a list
        for several. None: the AWS Nitro Enclaves root G1, pinned in the library.
      at: the verification time: a timezone-aware datetime or Unix seconds; "document" for the
        document's own signed timestamp (archived documents). None: now.
      nonce, user_data, public_key: bytes the field must equal; ABSENT: the field must be
        absent; None: not checked.
      pcrs: {index: value} that must all match (values 48 bytes, or 96 hex digits as str).
      pcr_sets: allowed images: a list of {index: value} or {name: {index: value}}; the
        document must match one whole set.
      max_age: the oldest document accepted, a timedelta or seconds.
      allow_debug: accept debug-mode documents.
      allow_any_image: accept any image when no PCR policy is given (without either, every
        verification fails with code "invalid_argument").

    Raises VerificationError (code "invalid_argument") for invalid values, TypeError and
    ValueError for arguments of the wrong type.
    """

    __slots__ = ("_handle",)

    def __init__(self, *, root=None, at: Optional[Time] = None, nonce: Expected = None,
                 user_data: Expected = None, public_key: Expected = None,
                 pcrs: Optional[PcrValues] = None, pcr_sets: PcrSets = None,
                 max_age: Optional[Age] = None, allow_debug: bool = False,
                 allow_any_image: bool = False) -> None:
        if root is None:
            self._handle = lib.nitro_attest_policy_new()
        else:
            self._handle = lib.nitro_attest_policy_copy(_roots_policy(_root_list(root)))
        if not self._handle:
            raise MemoryError("nitro_attest_policy_new")
        h = self._handle
        call = functools.partial(_native.call, kind=VerificationError)
        if isinstance(at, str):
            if at != "document":
                raise ValueError('at is a datetime, Unix seconds or "document"')
            lib.nitro_attest_policy_set_at_document_time(h, 1)
        elif at is not None:
            call(lib.nitro_attest_policy_set_time_ms, h, _to_ms(at))
        for field, expected in ((_native.FIELD_NONCE, nonce), (_native.FIELD_USER_DATA, user_data),
                                (_native.FIELD_PUBLIC_KEY, public_key)):
            if expected is ABSENT:
                call(lib.nitro_attest_policy_expect, h, field, None, 0)
            elif expected is not None:
                value = bytes(expected)
                call(lib.nitro_attest_policy_expect, h, field, value, len(value))
        for index, value in (pcrs or {}).items():
            v = _pcr_value(value)
            call(lib.nitro_attest_policy_set_pcr, h, _native.unsigned(index, 32, "PCR index"), v,
                 len(v))
        if pcr_sets is not None:
            named = pcr_sets.items() if isinstance(pcr_sets, Mapping) else (
                (None, s) for s in pcr_sets)
            for name, pcr_set in named:
                set_index = c_size_t()
                call(lib.nitro_attest_policy_add_pcr_set, h,
                     None if name is None else str(name).encode(), byref(set_index))
                for index, value in pcr_set.items():
                    v = _pcr_value(value)
                    call(lib.nitro_attest_policy_set_pcr_in_set, h, set_index,
                         _native.unsigned(index, 32, "PCR index"), v, len(v))
        if max_age is not None:
            ms = max_age // _MS if isinstance(max_age, _dt.timedelta) else int(max_age * 1000)
            call(lib.nitro_attest_policy_set_max_age_ms, h, _int64(ms))
        lib.nitro_attest_policy_allow_debug(h, 1 if allow_debug else 0)
        lib.nitro_attest_policy_allow_any_image(h, 1 if allow_any_image else 0)

    # The free function is bound at definition: module globals may be gone at interpreter exit.
    def __del__(self, _free=lib.nitro_attest_policy_free) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            _free(handle)
            self._handle = None


class Document:
    """An attestation document's fields, as inspect() decoded them: NOT verified, never decide
    on them. Immutable; fields are read from the library on first use."""

    verified = False

    def __init__(self, handle: int) -> None:
        self._handle = handle

    def __del__(self, _free=lib.nitro_attest_document_free) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            _free(handle)
            self._handle = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} module_id={self.module_id!r} timestamp={self.timestamp}>"

    @functools.cached_property
    def module_id(self) -> str:
        """The enclave's module id, e.g. "i-0123...-enc0123..."."""
        return lib.nitro_attest_document_module_id(self._handle).decode()

    @functools.cached_property
    def digest(self) -> str:
        """The PCR digest algorithm, always "SHA384"."""
        return lib.nitro_attest_document_digest(self._handle).decode()

    @functools.cached_property
    def timestamp_ms(self) -> int:
        """The document's signed timestamp, Unix milliseconds."""
        return lib.nitro_attest_document_timestamp_ms(self._handle)

    @property
    def timestamp(self) -> _dt.datetime:
        """The document's signed timestamp (UTC)."""
        return _from_ms(self.timestamp_ms)

    @functools.cached_property
    def pcrs(self) -> Dict[int, bytes]:
        """The PCRs, {index: value}."""
        out: Dict[int, bytes] = {}
        index, size = c_uint32(), c_size_t()
        for i in range(lib.nitro_attest_document_pcr_count(self._handle)):
            value = lib.nitro_attest_document_pcr_at(self._handle, i, byref(index), byref(size))
            out[index.value] = _native.view(value, size)
        return out

    @functools.cached_property
    def certificate(self) -> bytes:
        """The leaf certificate, DER."""
        size = c_size_t()
        return _native.view(lib.nitro_attest_document_certificate(self._handle, byref(size)), size)

    @functools.cached_property
    def cabundle(self) -> List[bytes]:
        """The CA bundle, DER, root first."""
        size = c_size_t()
        return [_native.view(lib.nitro_attest_document_cabundle_at(self._handle, i, byref(size)),
                             size)
                for i in range(lib.nitro_attest_document_cabundle_count(self._handle))]

    def _field(self, field: int) -> Optional[bytes]:
        size = c_size_t()
        return _native.view(lib.nitro_attest_document_field(self._handle, field, byref(size)), size)

    @functools.cached_property
    def user_data(self) -> Optional[bytes]:
        """user_data, or None when the document has none (b"" is present and empty)."""
        return self._field(_native.FIELD_USER_DATA)

    @functools.cached_property
    def nonce(self) -> Optional[bytes]:
        """nonce, or None when the document has none."""
        return self._field(_native.FIELD_NONCE)

    @functools.cached_property
    def public_key(self) -> Optional[bytes]:
        """public_key, or None when the document has none."""
        return self._field(_native.FIELD_PUBLIC_KEY)


class VerifiedDocument(Document):
    """A document that passed verification: its fields can be trusted under the policy used."""

    verified = True

    @functools.cached_property
    def verified_at(self) -> _dt.datetime:
        """The time the certificate chain was checked at."""
        return _from_ms(lib.nitro_attest_document_verified_at_ms(self._handle))

    @functools.cached_property
    def at_document_time(self) -> bool:
        """Whether that time was the document's own timestamp (at="document")."""
        return bool(lib.nitro_attest_document_at_document_time(self._handle))

    @functools.cached_property
    def any_image(self) -> bool:
        """Whether no PCR policy applied (allow_any_image)."""
        return bool(lib.nitro_attest_document_any_image(self._handle))

    @functools.cached_property
    def pcr_set(self) -> Optional[int]:
        """The index of the PCR set (pcr_sets) that matched, or None."""
        index = lib.nitro_attest_document_pcr_set(self._handle, None)
        return None if index < 0 else index

    @functools.cached_property
    def pcr_set_name(self) -> Optional[str]:
        """The name of the PCR set that matched ("" for unnamed sets), or None."""
        name = c_char_p()
        index = lib.nitro_attest_document_pcr_set(self._handle, byref(name))
        return None if index < 0 else (name.value or b"").decode()

    @functools.cached_property
    def leaf_subject(self) -> str:
        """The leaf certificate's subject (RFC 2253)."""
        return lib.nitro_attest_document_leaf_subject(self._handle).decode()

    @functools.cached_property
    def leaf_not_before(self) -> _dt.datetime:
        return _from_ms(lib.nitro_attest_document_leaf_not_before_ms(self._handle))

    @functools.cached_property
    def leaf_not_after(self) -> _dt.datetime:
        return _from_ms(lib.nitro_attest_document_leaf_not_after_ms(self._handle))

    @functools.cached_property
    def checks(self) -> List[str]:
        """The checks that ran, in order ("cose", "payload", "chain", ...)."""
        return [lib.nitro_attest_document_check_at(self._handle, i).decode()
                for i in range(lib.nitro_attest_document_check_count(self._handle))]


def _document_bytes(document: BytesLike) -> bytes:
    if isinstance(document, bytes):
        return document
    if isinstance(document, (bytearray, memoryview)):
        return bytes(document)
    raise TypeError(f"a document is bytes, not {type(document).__name__} "
                    "(decode_document() reads base64 or hex)")


def _policy(policy: Optional[Policy], **kwargs) -> Policy:
    """The Policy of a verification: `policy`, or one made of the keyword arguments."""
    if policy is None:
        return Policy(**kwargs)
    if any(value not in (None, False) for value in kwargs.values()):
        raise TypeError("give either policy= or the policy's keyword arguments, not both")
    return policy


def _verify(verifier: Optional[int], document: BytesLike, policy: Policy) -> VerifiedDocument:
    data = _document_bytes(document)
    out, error = c_void_p(), c_void_p()
    if verifier is None:
        status = lib.nitro_attest_verify(policy._handle, data, len(data), byref(out), byref(error))
    else:
        status = lib.nitro_attest_verifier_verify(verifier, policy._handle, data, len(data),
                                                  byref(out), byref(error))
    if status != 0:
        _native.raise_error(status, error, VerificationError)
    return VerifiedDocument(out.value)


def verify(document: BytesLike, *, policy: Optional[Policy] = None, root=None,
           at: Optional[Time] = None, nonce: Expected = None, user_data: Expected = None,
           public_key: Expected = None, pcrs: Optional[PcrValues] = None,
           pcr_sets: PcrSets = None, max_age: Optional[Age] = None, allow_debug: bool = False,
           allow_any_image: bool = False) -> VerifiedDocument:
    """Verifies an attestation document (raw COSE_Sign1 bytes) completely: the ES384 signature,
    every payload rule, the certificate chain to a trusted root at the chosen time, then the
    policy: a Policy (policy=), or the same keyword arguments Policy takes (see Policy).

    Returns the VerifiedDocument. Raises VerificationError whose .code names the first failure
    ("bad_signature", "pcr_mismatch", "certificate_expired", ...; "invalid_argument" for a
    policy without PCRs and without allow_any_image=True).
    """
    return _verify(None, document, _policy(
        policy, root=root, at=at, nonce=nonce, user_data=user_data, public_key=public_key,
        pcrs=pcrs, pcr_sets=pcr_sets, max_age=max_age, allow_debug=allow_debug,
        allow_any_image=allow_any_image))


class Verifier:
    """A long-lived verifier that caches verified certificate chains, so documents from the same
    enclave host verify faster (a cache hit skips only the chain's signatures). Thread-safe."""

    def __init__(self, cache_entries: int = 64) -> None:
        self._handle = lib.nitro_attest_verifier_new(
            _native.unsigned(cache_entries, 64, "cache_entries"))
        if not self._handle:
            raise MemoryError("nitro_attest_verifier_new")

    def __del__(self, _free=lib.nitro_attest_verifier_free) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            _free(handle)
            self._handle = None

    def verify(self, document: BytesLike, *, policy: Optional[Policy] = None, root=None,
               at: Optional[Time] = None, nonce: Expected = None, user_data: Expected = None,
               public_key: Expected = None, pcrs: Optional[PcrValues] = None,
               pcr_sets: PcrSets = None, max_age: Optional[Age] = None,
               allow_debug: bool = False, allow_any_image: bool = False) -> VerifiedDocument:
        """verify() with this verifier's cache."""
        return _verify(self._handle, document, _policy(
            policy, root=root, at=at, nonce=nonce, user_data=user_data, public_key=public_key,
            pcrs=pcrs, pcr_sets=pcr_sets, max_age=max_age, allow_debug=allow_debug,
            allow_any_image=allow_any_image))

    @property
    def stats(self) -> Dict[str, int]:
        """The cache's counters: hits, misses, entries."""
        hits, misses, entries = c_uint64(), c_uint64(), c_uint64()
        lib.nitro_attest_verifier_stats(self._handle, byref(hits), byref(misses), byref(entries))
        return {"hits": hits.value, "misses": misses.value, "entries": entries.value}


def inspect(document: BytesLike) -> Document:
    """Decodes a document and checks its structure, without any cryptography: for looking, never
    for deciding. Raises VerificationError ("malformed_cbor", "malformed_cose",
    "unsupported_algorithm", "malformed_document")."""
    data = _document_bytes(document)
    out = c_void_p()
    _native.call(lib.nitro_attest_inspect, data, len(data), byref(out), kind=VerificationError)
    return Document(out.value)


def decode_document(data: Union[BytesLike, str]) -> bytes:
    """Turns what a user supplied into document bytes, as the command-line tools read it: raw
    CBOR is returned as is, anything else is decoded as base64 (standard or URL-safe, with or
    without padding and line breaks). Raises VerificationError ("malformed_input")."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    return _native.take_bytes(lib.nitro_attest_decode_input, raw, len(raw),
                              kind=VerificationError)
