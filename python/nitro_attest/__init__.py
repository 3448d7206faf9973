# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""nitro_attest: AWS Nitro Enclaves attestation for Python, on libnitro_attest's C ABI.

On the parent (or anywhere a document is checked)::

    import nitro_attest
    doc = nitro_attest.verify(document_bytes, pcrs={0: pcr0}, nonce=my_nonce, max_age=300)
    doc.public_key, doc.user_data, doc.pcrs          # trusted under that policy

verify() raises VerificationError, whose .code is the stable reason ("pcr_mismatch",
"certificate_expired", ...). Verifier is the long-lived, caching, thread-safe form; inspect()
decodes without verifying. Inside the enclave::

    nsm = nitro_attest.Nsm()                        # /dev/nsm
    document = nsm.attestation(nonce=..., user_data=..., public_key=...)

Off Nitro, nitro_attest.Emulator() stands in for the NSM (insecure; its documents verify only
with root=emulator).
"""

from ._errors import NitroAttestError, NsmError, VerificationError
from ._native import lib as _lib
from ._verify import (ABSENT, Document, Policy, VerifiedDocument, Verifier, decode_document,
                      inspect, verify)
from ._enclave import Emulator, Nsm, NsmDescription, PcrState


def library_version() -> str:
    """The version of the libnitro_attest that was loaded."""
    return _lib.nitro_attest_version().decode()


__version__ = library_version()

__all__ = [
    "ABSENT", "Document", "Emulator", "NitroAttestError", "Nsm", "NsmDescription", "NsmError",
    "PcrState", "Policy", "VerificationError", "VerifiedDocument", "Verifier", "decode_document",
    "inspect", "library_version", "verify",
]
