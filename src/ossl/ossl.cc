// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/ossl/ossl.h"

#include <openssl/err.h>

namespace nitro_attest::ossl {

std::string DrainErrors() {
  std::string out;
  ERR_print_errors_cb(
      [](const char* str, size_t len, void* u) -> int {
        auto* s = static_cast<std::string*>(u);
        if (!s->empty()) {
          s->append("; ");
        }
        std::string_view line(str, len);
        while (!line.empty() && line.back() == '\n') {
          line.remove_suffix(1);
        }
        s->append(line);
        return 1;
      },
      &out);
  ERR_clear_error();
  return out;
}

Error OsslError(ErrorCode code, std::string_view what) {
  std::string detail(what);
  const std::string queued = DrainErrors();
  if (!queued.empty()) {
    detail += " (" + queued + ")";
  }
  return MakeError(code, std::move(detail));
}

}  // namespace nitro_attest::ossl
