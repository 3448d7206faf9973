# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""verify(), Policy and Verifier: emulator documents, real AWS documents, negatives, codes."""

import concurrent.futures
import datetime as dt

import pytest

import nitro_attest
from nitro_attest import ABSENT, VerificationError
from conftest import EMULATOR_TIME, NONCE, PCR0, SHARED_DIR, real_facts, require_shared


def code_of(call, *args, **kwargs):
    with pytest.raises(VerificationError) as e:
        call(*args, **kwargs)
    return e.value.code


def test_emulator_round_trip(emulator, document, emulator_policy):
    doc = nitro_attest.verify(document, nonce=NONCE, **emulator_policy)
    assert isinstance(doc, nitro_attest.VerifiedDocument) and doc.verified
    assert doc.module_id == emulator.module_id
    assert doc.nonce == NONCE and doc.user_data == b"" and doc.public_key is None
    assert doc.pcrs[0] == PCR0
    assert doc.verified_at == EMULATOR_TIME and not doc.at_document_time
    assert doc.any_image and doc.pcr_set is None and doc.pcr_set_name is None
    assert "emulator" in doc.leaf_subject
    assert doc.leaf_not_before <= EMULATOR_TIME <= doc.leaf_not_after
    assert doc.checks[0] == "cose" and len(doc.checks) > 3


def test_fails_closed_without_a_pcr_policy(emulator, document):
    assert code_of(nitro_attest.verify, document, root=emulator, at=EMULATOR_TIME) == \
        "invalid_argument"


def test_the_default_root_is_aws(document):
    assert code_of(nitro_attest.verify, document, at=EMULATOR_TIME, allow_any_image=True) == \
        "untrusted_root"


def test_roots_as_pem_der_or_several(emulator, document):
    for root in (emulator.root_pem, emulator.root_der, [emulator.root_der, emulator.root_pem]):
        nitro_attest.verify(document, root=root, at=EMULATOR_TIME, allow_any_image=True)
    other = nitro_attest.Emulator(seed="another", time=EMULATOR_TIME)
    assert code_of(nitro_attest.verify, document, root=other, at=EMULATOR_TIME,
                   allow_any_image=True) == "untrusted_root"
    assert code_of(nitro_attest.verify, document, root=b"not a certificate",
                   allow_any_image=True) == "invalid_argument"


def test_expected_fields_have_three_states(document, emulator_policy):
    verify = nitro_attest.verify
    assert code_of(verify, document, nonce=b"other", **emulator_policy) == "nonce_mismatch"
    assert code_of(verify, document, nonce=ABSENT, **emulator_policy) == "nonce_mismatch"
    assert code_of(verify, document, user_data=ABSENT, **emulator_policy) == "user_data_mismatch"
    assert code_of(verify, document, public_key=b"key", **emulator_policy) == \
        "public_key_mismatch"
    verify(document, nonce=bytearray(NONCE), user_data=b"", public_key=ABSENT, **emulator_policy)
    verify(document, nonce=None, **emulator_policy)  # None: not checked


def test_pcrs_and_pcr_sets(emulator, document):
    base = {"root": emulator, "at": EMULATOR_TIME}
    doc = nitro_attest.verify(document, pcrs={0: PCR0}, **base)
    assert not doc.any_image
    nitro_attest.verify(document, pcrs={0: PCR0.hex()}, **base)  # hex text works too
    assert code_of(nitro_attest.verify, document, pcrs={0: bytes(48)}, **base) == "pcr_mismatch"
    assert code_of(nitro_attest.verify, document, pcrs={31: PCR0}, **base) == "pcr_mismatch"
    assert code_of(nitro_attest.verify, document, pcrs={32: PCR0}, **base) == "invalid_argument"
    with pytest.raises(ValueError):  # never wrapped around to PCR0
        nitro_attest.verify(document, pcrs={2**32: PCR0}, **base)
    assert code_of(nitro_attest.verify, document, pcrs={0: PCR0[:47]}, **base) == \
        "invalid_argument"
    assert code_of(nitro_attest.verify, document, pcrs={0: PCR0}, allow_any_image=True,
                   **base) == "invalid_argument"
    doc = nitro_attest.verify(document, pcr_sets={"blue": {0: bytes(48)}, "green": {0: PCR0}},
                              **base)
    assert doc.pcr_set == 1 and doc.pcr_set_name == "green"
    doc = nitro_attest.verify(document, pcr_sets=[{0: PCR0}], **base)
    assert doc.pcr_set == 0 and doc.pcr_set_name == ""
    assert code_of(nitro_attest.verify, document, pcr_sets=[{0: bytes(48)}], **base) == \
        "pcr_mismatch"


def test_time(emulator, document):
    base = {"root": emulator, "allow_any_image": True}
    with pytest.raises(VerificationError) as e:
        nitro_attest.verify(document, at=EMULATOR_TIME - dt.timedelta(days=1), **base)
    assert e.value.code == "certificate_not_yet_valid" and e.value.cert_index is not None
    doc = nitro_attest.verify(document, at="document", **base)
    assert doc.at_document_time and doc.verified_at == EMULATOR_TIME
    nitro_attest.verify(document, at=EMULATOR_TIME.timestamp(), **base)  # Unix seconds
    later = EMULATOR_TIME + dt.timedelta(seconds=5)
    assert code_of(nitro_attest.verify, document, at=later, max_age=1, **base) == \
        "document_too_old"
    nitro_attest.verify(document, at=later, max_age=dt.timedelta(minutes=1), **base)
    assert code_of(nitro_attest.verify, document, at=later,
                   max_age=dt.timedelta(seconds=-1), **base) == "invalid_argument"
    with pytest.raises(ValueError):
        nitro_attest.verify(document, at=dt.datetime(2026, 1, 1), **base)  # naive: ambiguous
    with pytest.raises(ValueError):
        nitro_attest.verify(document, at="yesterday", **base)
    assert code_of(nitro_attest.verify, document, at=-1, **base) == "invalid_argument"
    assert code_of(nitro_attest.verify, document, at=253402300800, **base) == \
        "invalid_argument"  # year 10000
    with pytest.raises(ValueError):  # beyond 64 bits of milliseconds: never wrapped
        nitro_attest.verify(document, at=2**64 + EMULATOR_TIME.timestamp(), **base)


def test_malformed_documents(document, emulator_policy):
    assert code_of(nitro_attest.verify, document[:-1], **emulator_policy) == "malformed_cbor"
    assert code_of(nitro_attest.verify, b"", **emulator_policy) == "malformed_input"
    tampered = bytearray(document)
    tampered[-10] ^= 1  # inside the signature
    assert code_of(nitro_attest.verify, bytes(tampered), **emulator_policy) == "bad_signature"
    with pytest.raises(TypeError):
        nitro_attest.verify(document.hex(), **emulator_policy)


def test_policy_objects_are_reusable(emulator, document):
    policy = nitro_attest.Policy(root=emulator, at=EMULATOR_TIME, pcrs={0: PCR0}, nonce=NONCE)
    for _ in range(3):
        assert nitro_attest.verify(document, policy=policy).module_id == emulator.module_id
    with pytest.raises(TypeError):
        nitro_attest.verify(document, policy=policy, allow_debug=True)


def test_verifier_caches_chains_and_is_thread_safe(emulator, document, emulator_policy):
    verifier = nitro_attest.Verifier()
    policy = nitro_attest.Policy(nonce=NONCE, **emulator_policy)
    verifier.verify(document, policy=policy)
    assert verifier.stats == {"hits": 0, "misses": 1, "entries": 1}
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        docs = list(pool.map(lambda _: verifier.verify(document, policy=policy), range(40)))
    assert all(d.nonce == NONCE for d in docs)
    assert verifier.stats["hits"] == 40
    with pytest.raises(VerificationError) as e:
        verifier.verify(document, nonce=b"x", **emulator_policy)
    assert e.value.code == "nonce_mismatch"  # a cache hit never turns a failure into a pass
    assert nitro_attest.Verifier(cache_entries=0).verify(document, policy=policy).verified


def test_real_documents_verify_at_their_own_time():
    require_shared()
    verifier = nitro_attest.Verifier()
    facts = real_facts()
    assert len(facts) >= 40
    for f in facts:
        data = (SHARED_DIR / "vectors/real" / (f["name"] + ".cbor")).read_bytes()
        doc = verifier.verify(data, at="document", allow_any_image=True,
                              allow_debug=f["pcrs012_zero"])
        assert doc.module_id == f["module_id"] and doc.timestamp_ms == f["timestamp_ms"]
        assert doc.verified_at == doc.timestamp
        if f["pcrs012_zero"]:
            assert code_of(verifier.verify, data, at="document", allow_any_image=True) == \
                "debug_mode"
        # Today every real leaf (3 hours) has long expired.
        with pytest.raises(VerificationError) as e:
            verifier.verify(data, allow_any_image=True, allow_debug=True)
        assert e.value.code == "certificate_expired" and e.value.cert_index is not None


def test_real_document_pcr_policy():
    require_shared()
    f = next(f for f in real_facts() if not f["pcrs012_zero"])
    data = (SHARED_DIR / "vectors/real" / (f["name"] + ".cbor")).read_bytes()
    pcrs = nitro_attest.inspect(data).pcrs
    doc = nitro_attest.verify(data, at="document", pcrs={i: pcrs[i] for i in (0, 1, 2)})
    assert not doc.any_image
    changed = bytes([pcrs[0][0] ^ 1]) + pcrs[0][1:]
    assert code_of(nitro_attest.verify, data, at="document", pcrs={0: changed}) == "pcr_mismatch"


# ../shared/vectors/negative/SOURCES.tsv says why each must be rejected.
NEGATIVE_CODES = {
    "blocky_nitrite_selfsigned": "malformed_cose",  # unprotected header null, self-signed leaf
    "veracruz_go_bad_sig": "bad_signature",          # a real document, signature corrupted
    "marlin_custom": "untrusted_root",               # Nitro-shaped, signed under another root
}


def test_negative_documents_are_rejected():
    require_shared()
    for name, code in sorted(NEGATIVE_CODES.items()):
        data = (SHARED_DIR / "vectors/negative" / (name + ".cbor")).read_bytes()
        with pytest.raises(VerificationError) as e:
            nitro_attest.verify(data, at="document", allow_any_image=True, allow_debug=True)
        assert e.value.code == code, name


def test_error_codes_are_the_stable_names(document, emulator_policy):
    with pytest.raises(VerificationError) as e:
        nitro_attest.verify(document, nonce=b"x", **emulator_policy)
    assert e.value.code in KNOWN_CODES


KNOWN_CODES = {
    "malformed_input", "malformed_cbor", "malformed_cose", "unsupported_algorithm",
    "bad_signature", "malformed_document", "malformed_certificate", "certificate_expired",
    "certificate_not_yet_valid", "untrusted_root", "chain_invalid", "pcr_mismatch",
    "nonce_mismatch", "user_data_mismatch", "public_key_mismatch", "document_too_old",
    "document_from_future", "debug_mode", "invalid_argument", "nsm_error", "device_error",
    "transport_error", "protocol_error", "crypto_error", "io_error", "internal",
}


def test_error_objects(document, emulator_policy):
    with pytest.raises(nitro_attest.NitroAttestError) as e:  # the common base class
        nitro_attest.verify(document, nonce=b"x", **emulator_policy)
    err = e.value
    assert isinstance(err, VerificationError)
    assert err.code == "nonce_mismatch" and err.detail and err.cert_index is None
    assert err.nsm_code is None and str(err).startswith("nonce_mismatch: ")
