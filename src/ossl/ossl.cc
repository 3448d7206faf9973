// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/ossl/ossl.h"

#include <openssl/err.h>

namespace nitro_attest::ossl {

void DrainErrors() { ERR_clear_error(); }

Error OsslError(ErrorCode code, std::string_view what) {
  DrainErrors();
  return MakeError(code, std::string(what));
}

}  // namespace nitro_attest::ossl
