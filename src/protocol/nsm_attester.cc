// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <mutex>

#include "nitro_attest/protocol.h"

namespace nitro_attest {

Attester NsmAttester(NsmClient& nsm, std::mutex* nsm_mutex) {
  return [&nsm, nsm_mutex](const AttestationRequest& request) -> Result<Bytes> {
    if (nsm_mutex == nullptr) {
      return nsm.Attestation(request);
    }
    // NsmClient is not thread-safe, and the device serves one request at a time anyway.
    std::lock_guard<std::mutex> lock(*nsm_mutex);
    return nsm.Attestation(request);
  };
}

}  // namespace nitro_attest
