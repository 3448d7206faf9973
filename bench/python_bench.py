# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
"""The Python side of the Python benchmark (scripts/bench.sh): how many times per second a warm
nitro_attest.Verifier verifies one document, with the policy nitro_attest_verify_rate uses (the
document's root, any image), given as keyword arguments on every call and as a reused Policy.

  python3 bench/python_bench.py DOC.cbor ROOT.pem SECONDS    prints {"kwargs": r, "policy": r}
"""

import json
import pathlib
import sys
import time

import nitro_attest


def rate(verify, seconds: float) -> float:
    verify()  # the first one fills the chain cache, as in the C++ run
    count, start = 0, time.perf_counter()
    while True:
        verify()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def main() -> None:
    document = pathlib.Path(sys.argv[1]).read_bytes()
    root = pathlib.Path(sys.argv[2]).read_bytes()
    seconds = float(sys.argv[3])
    verifier = nitro_attest.Verifier()
    policy = nitro_attest.Policy(root=root, allow_any_image=True)
    print(json.dumps({
        "kwargs": rate(lambda: verifier.verify(document, root=root, allow_any_image=True),
                       seconds),
        "policy": rate(lambda: verifier.verify(document, policy=policy), seconds),
    }))


if __name__ == "__main__":
    main()
