# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""The exceptions of nitro_attest."""

from __future__ import annotations

from typing import Optional


class NitroAttestError(Exception):
    """A failure reported by libnitro_attest.

    Attributes:
      code: the stable error-code name ("bad_signature", "pcr_mismatch", ...; see
        include/nitro_attest/result.h). Branch on this, never on `detail`.
      detail: a description for people and logs.
      cert_index: the certificate a chain failure concerns (0 = leaf), or None.
      nsm_code: the NSM's own code ("ReadOnlyIndex", ...) when the NSM refused, else None.
    """

    def __init__(self, code: str, detail: str = "", *, cert_index: Optional[int] = None,
                 nsm_code: Optional[str] = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.cert_index = cert_index
        self.nsm_code = nsm_code


class VerificationError(NitroAttestError):
    """A document was rejected by verify() or Verifier.verify(), could not be decoded by
    inspect(), or the policy was invalid (code "invalid_argument")."""


class NsmError(NitroAttestError):
    """An NSM operation failed: the NSM refused ("nsm_error", see nsm_code), the device or the
    emulator socket failed ("device_error", "transport_error"), or an argument was invalid."""
