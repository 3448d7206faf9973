// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/version.h"

#include <gtest/gtest.h>

#include <string>

namespace nitro_attest {
namespace {

TEST(VersionTest, LibraryAndHeadersAgree) {
  EXPECT_EQ(Version(), NITRO_ATTEST_VERSION_STRING);
  const std::string parts = std::to_string(NITRO_ATTEST_VERSION_MAJOR) + "." +
                            std::to_string(NITRO_ATTEST_VERSION_MINOR) + "." +
                            std::to_string(NITRO_ATTEST_VERSION_PATCH);
  EXPECT_EQ(Version(), parts);
  EXPECT_EQ(NITRO_ATTEST_VERSION_NUMBER, NITRO_ATTEST_VERSION_MAJOR * 10000 +
                                             NITRO_ATTEST_VERSION_MINOR * 100 +
                                             NITRO_ATTEST_VERSION_PATCH);
}

}  // namespace
}  // namespace nitro_attest
