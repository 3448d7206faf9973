# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""Decoding user input and inspecting documents (nothing verified)."""

import base64
import datetime as dt

import pytest

import nitro_attest
from conftest import EMULATOR_TIME, NONCE, PCR0, SHARED_DIR, real_facts, require_shared


def test_version_is_the_library_version():
    assert nitro_attest.__version__ == nitro_attest.library_version()
    assert [int(p) for p in nitro_attest.__version__.split(".")]


def test_decode_document_reads_raw_and_base64(document):
    assert nitro_attest.decode_document(document) == document
    assert nitro_attest.decode_document(base64.b64encode(document)) == document
    assert nitro_attest.decode_document(base64.b64encode(document).decode()) == document
    wrapped = base64.encodebytes(document)  # 76-column lines
    assert nitro_attest.decode_document(wrapped) == document
    assert nitro_attest.decode_document(base64.urlsafe_b64encode(document).rstrip(b"=")) == \
        document


@pytest.mark.parametrize("junk", [b"", b"not a document!", "zz" * 40 + "="])
def test_decode_document_refuses_junk(junk):
    with pytest.raises(nitro_attest.VerificationError) as e:
        nitro_attest.decode_document(junk)
    assert e.value.code == "malformed_input"


def test_inspect_reads_every_field(emulator, document):
    doc = nitro_attest.inspect(document)
    assert type(doc) is nitro_attest.Document and not doc.verified
    assert doc.module_id == emulator.module_id
    assert doc.digest == "SHA384"
    assert doc.timestamp == EMULATOR_TIME
    assert doc.timestamp_ms == int(EMULATOR_TIME.timestamp() * 1000)
    assert isinstance(doc.pcrs, dict) and sorted(doc.pcrs) == list(range(16))
    assert doc.pcrs[0] == PCR0 and all(len(v) == 48 for v in doc.pcrs.values())
    assert doc.nonce == NONCE
    assert doc.user_data == b""       # present and empty
    assert doc.public_key is None     # absent
    assert doc.cabundle[0] == emulator.root_der and len(doc.cabundle) == 4
    assert doc.certificate.startswith(b"\x30")


@pytest.mark.parametrize("cut, code", [(1, "malformed_cbor"), (None, "malformed_cbor")])
def test_inspect_refuses_broken_documents(document, cut, code):
    broken = document[:-cut] if cut else document + b"\x00"
    with pytest.raises(nitro_attest.VerificationError) as e:
        nitro_attest.inspect(broken)
    assert e.value.code == code


def test_inspect_needs_bytes():
    with pytest.raises(TypeError):
        nitro_attest.inspect("a string")


def test_inspect_real_documents():
    require_shared()
    for facts in real_facts():
        doc = nitro_attest.inspect((SHARED_DIR / "vectors/real" / (facts["name"] + ".cbor"))
                                   .read_bytes())
        assert doc.module_id == facts["module_id"]
        assert doc.timestamp_ms == facts["timestamp_ms"]
        assert sorted(doc.pcrs) == facts["pcr_indices"]
        for field in ("user_data", "nonce", "public_key"):
            value = getattr(doc, field)
            if facts[field] == "null":
                assert value is None, (facts["name"], field)
            else:
                assert len(value) == facts[field], (facts["name"], field)
