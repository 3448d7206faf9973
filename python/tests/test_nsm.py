# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""Inside the enclave: Nsm on the in-process Emulator and on a running nsm-emulator."""

import os
import subprocess
import time

import pytest

import nitro_attest
from nitro_attest import NsmError
from conftest import BINARY_DIR, EMULATOR_TIME, PCR0


def nsm_code_of(call, *args):
    with pytest.raises(NsmError) as e:
        call(*args)
    return e.value.code, e.value.nsm_code


def test_emulator_options():
    a = nitro_attest.Emulator(seed="same", time=EMULATOR_TIME)
    b = nitro_attest.Emulator(seed="same", time=EMULATOR_TIME)
    assert a.root_der == b.root_der and a.module_id == b.module_id  # a seed reproduces
    assert a.root_pem.startswith("-----BEGIN CERTIFICATE-----")
    c = nitro_attest.Emulator(module_id="i-0000000000000000a-enc000000000000000a",
                              pcrs={1: PCR0.hex()}, definite_payload_map=True)
    assert c.module_id == "i-0000000000000000a-enc000000000000000a"
    assert c.nsm().describe_pcr(1).value == PCR0
    doc = c.nsm().attestation()
    assert nitro_attest.inspect(doc).pcrs[1] == PCR0
    with pytest.raises(nitro_attest.NitroAttestError) as e:
        nitro_attest.Emulator(pcrs={5: PCR0})
    assert e.value.code == "invalid_argument"


def test_nsm_api_on_the_emulator():
    emulator = nitro_attest.Emulator(seed="nsm", pcrs={0: PCR0})
    with nitro_attest.Nsm(emulator=emulator) as nsm:
        d = nsm.describe_nsm()
        assert d.version == (1, 0, 0) and d.max_pcrs == 32 and d.digest == "SHA384"
        assert d.module_id == emulator.module_id and d.locked_pcrs == frozenset(range(16))
        assert nsm.describe_pcr(0) == (True, PCR0)
        assert nsm.describe_pcr(16) == (False, bytes(48))
        value = nsm.extend_pcr(16, b"hello")
        assert len(value) == 48 and nsm.describe_pcr(16).value == value
        assert nsm_code_of(nsm.extend_pcr, 0, b"x") == ("nsm_error", "ReadOnlyIndex")
        assert nsm_code_of(nsm.describe_pcr, 32) == ("nsm_error", "InvalidIndex")
        with pytest.raises(ValueError):  # a u16 on the wire: 65536 must not become PCR0
            nsm.extend_pcr(65536, b"x")
        nsm.lock_pcr(16)
        assert nsm.describe_pcr(16).locked
        assert nsm_code_of(nsm.extend_pcr, 16, b"x") == ("nsm_error", "ReadOnlyIndex")
        nsm.lock_pcrs(20)
        assert nsm.describe_nsm().locked_pcrs == frozenset(range(20))
        assert nsm_code_of(nsm.lock_pcrs, 33) == ("nsm_error", "InvalidIndex")
        assert len(nsm.get_random()) == 256
        with pytest.raises(NsmError) as e:
            nsm.attestation(user_data=bytes(5000))
        assert e.value.code == "invalid_argument" and e.value.nsm_code == "InputTooLarge"
    with pytest.raises(ValueError):
        nsm.get_random()  # closed


def test_attestation_fields_round_trip():
    emulator = nitro_attest.Emulator()
    nsm = emulator.nsm()
    doc = nsm.attestation(nonce=b"n" * 32, user_data=b"u", public_key=b"")
    verified = nitro_attest.verify(doc, root=emulator, nonce=b"n" * 32, user_data=b"u",
                                   public_key=b"", allow_any_image=True)
    assert verified.public_key == b"" and verified.user_data == b"u"
    bare = nitro_attest.inspect(nsm.attestation())
    assert bare.nonce is None and bare.user_data is None and bare.public_key is None


def test_the_device_is_never_replaced_by_an_emulator(tmp_path):
    with pytest.raises(NsmError) as e:
        nitro_attest.Nsm(str(tmp_path / "no-nsm"))
    assert e.value.code == "device_error"
    if not os.path.exists("/dev/nsm"):
        with pytest.raises(NsmError) as e:
            nitro_attest.Nsm()
        assert e.value.code == "device_error"
    with pytest.raises(NsmError) as e:
        nitro_attest.Nsm(socket=str(tmp_path / "nobody.sock"))
    assert e.value.code == "transport_error"


def test_nsm_over_a_running_nsm_emulator(tmp_path):
    tool = BINARY_DIR / "nsm-emulator"
    if not tool.exists():
        pytest.skip(f"{tool} is not built")
    sock, root = tmp_path / "nsm.sock", tmp_path / "root.pem"
    process = subprocess.Popen([str(tool), "--listen", str(sock), "--root-out", str(root)],
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not (sock.exists() and root.exists()) and time.monotonic() < deadline:
            time.sleep(0.05)
        with nitro_attest.Nsm(socket=str(sock)) as nsm:
            nsm.extend_pcr(20, b"state lives in the emulator process")
            value = nsm.describe_pcr(20).value
            doc = nsm.attestation(nonce=b"over a socket")
        with nitro_attest.Nsm(socket=str(sock)) as again:
            assert again.describe_pcr(20).value == value
        verified = nitro_attest.verify(doc, root=root.read_text(), nonce=b"over a socket",
                                       allow_any_image=True)
        assert verified.pcrs.get(20) is None  # PCR20 is not locked, so not in the document
    finally:
        process.terminate()
        process.wait(timeout=20)
