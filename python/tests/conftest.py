# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""Fixtures of the nitro_attest test suite: ../shared's real documents, a seeded emulator at a
fixed time, and where the built tools are."""

import datetime as dt
import json
import os
import pathlib

import pytest

import nitro_attest

SOURCE_DIR = pathlib.Path(os.environ.get("NITRO_ATTEST_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
SHARED_DIR = pathlib.Path(os.environ.get("NITRO_ATTEST_SHARED_DIR", SOURCE_DIR.parent / "shared"))
BINARY_DIR = pathlib.Path(os.environ.get("NITRO_ATTEST_BINARY_DIR", SOURCE_DIR / "build"))

# The emulator's fixed clock: documents and certificates are stamped with it.
EMULATOR_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
PCR0 = bytes([0x11]) * 48
NONCE = bytes(range(8))


def real_facts():
    """The lines of ../shared/vectors/real/FACTS.jsonl (empty when ../shared is absent)."""
    facts = SHARED_DIR / "vectors" / "real" / "FACTS.jsonl"
    if not facts.exists():
        return []
    return [json.loads(line) for line in facts.read_text().splitlines() if line.strip()]


def require_shared():
    if not (SHARED_DIR / "vectors").exists():
        pytest.skip(f"{SHARED_DIR} is absent: real AWS documents are not available")


@pytest.fixture(scope="session")
def emulator():
    return nitro_attest.Emulator(seed="pytest", time=EMULATOR_TIME, pcrs={0: PCR0},
                                 module_id="i-0123456789abcdef0-enc0123456789abcdef")


@pytest.fixture(scope="session")
def document(emulator):
    """An emulator document carrying NONCE, an empty user_data and no public_key."""
    with emulator.nsm() as nsm:
        return nsm.attestation(nonce=NONCE, user_data=b"")


@pytest.fixture
def emulator_policy(emulator):
    """Policy keyword arguments that accept `document`."""
    return {"root": emulator, "at": EMULATOR_TIME, "allow_any_image": True}
