// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <openssl/crypto.h>

#include "nitro_attest/kms.h"

namespace nitro_attest {

AwsCredentials::~AwsCredentials() {
  Wipe(access_key_id);
  Wipe(secret_access_key);
  Wipe(session_token);
}

}  // namespace nitro_attest
