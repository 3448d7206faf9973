// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/version.h"

namespace nitro_attest {

std::string_view Version() { return NITRO_ATTEST_VERSION_STRING; }

}  // namespace nitro_attest
