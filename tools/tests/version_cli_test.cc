// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// --version on every tool: the project's one version (CMakeLists.txt project()), also in the
// sanitizer build (packaging/tests checks the installed tools).
#include <gtest/gtest.h>

#include <string>

#include "nitro_attest/version.h"
#include "testing/process.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::RunProcess;
using ::nitro_attest::testing::Tool;

TEST(VersionCliTest, EveryToolPrintsTheProjectVersion) {
  for (const std::string tool : {"verifier", "enclave_app", "nsm-emulator"}) {
    auto r = RunProcess({Tool(tool), "--version"});
    EXPECT_EQ(r.exit_code, 0) << tool << ": " << r.err;
    EXPECT_EQ(r.out, tool + " (nitro-attest) " + NITRO_ATTEST_VERSION_STRING + "\n") << tool;
    EXPECT_EQ(Version(), NITRO_ATTEST_VERSION_STRING);
  }
}

TEST(VersionCliTest, HelpListsVersion) {
  auto r = RunProcess({Tool("verifier"), "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--version"), std::string::npos);
}

}  // namespace
}  // namespace nitro_attest
