// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "testing/matchers.h"
#include "tools/common/cli.h"
#include "tools/common/policy.h"

namespace nitro_attest::cli {
namespace {

using ::nitro_attest::testing::HasCode;
using ::nitro_attest::testing::IsOk;

const std::string kPcr(96, 'a');

TEST(MeasurementsTest, ParsesNitroCliShapes) {
  const std::string build = R"({"Measurements": {"HashAlgorithm": "Sha384 { ... }", "PCR0": ")" +
                            kPcr + R"(", "PCR1": ")" + kPcr + R"(", "PCR2": ")" + kPcr +
                            R"(", "PCR8": ")" + kPcr + R"("}})";
  auto pcrs = ParseMeasurementsJson(build);
  ASSERT_THAT(pcrs, IsOk());
  EXPECT_EQ(pcrs->size(), 4u);
  EXPECT_EQ(pcrs->count(8), 1u);
  auto described = ParseMeasurementsJson("[{\"EnclaveID\": \"i-1\", " + build.substr(1) + "]");
  ASSERT_THAT(described, IsOk());
  EXPECT_EQ(described->size(), 4u);
}

TEST(MeasurementsTest, RejectsBadShapes) {
  for (const std::string& bad :
       {std::string("not json"), std::string("{}"), std::string("[]"),
        std::string(R"({"Measurements": {}})"),
        std::string(R"({"Measurements": {"PCR0": "abc"}})"),
        std::string(R"({"Measurements": {"PCR0": 5}})"),
        std::string(R"({"Measurements": {"PCR32": ")") + kPcr + "\"}}",
        std::string(R"({"Measurements": {"HashAlgorithm": "Sha256", "PCR0": ")") + kPcr + "\"}}",
        std::string(R"({"Measurements": {"Foo": ")") + kPcr + "\"}}"}) {
    EXPECT_THAT(ParseMeasurementsJson(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST(PolicyTest, BuildsOptionsAndRejectsBadFlags) {
  PolicyFlags f;
  f.pcrs = {"0=" + kPcr, "16=" + std::string(96, 'b')};
  f.nonce = "0102";
  f.max_age = 60;
  auto o = BuildVerifyOptions(f);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->pcrs.size(), 2u);
  EXPECT_EQ(o->nonce.value(), (Bytes{1, 2}));
  EXPECT_EQ(o->max_age, std::chrono::seconds(60));
  EXPECT_FALSE(o->allow_debug);

  for (const std::string& bad : {std::string("0=abc"), std::string("32=") + kPcr,
                                std::string("x=") + kPcr, std::string(kPcr)}) {
    PolicyFlags g;
    g.pcrs = {bad};
    EXPECT_THAT(BuildVerifyOptions(g), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
  PolicyFlags twice;
  twice.pcrs = {"0=" + kPcr, "0=" + std::string(96, 'b')};
  EXPECT_THAT(BuildVerifyOptions(twice), HasCode(ErrorCode::kInvalidArgument));
  PolicyFlags odd;
  odd.nonce = "abc";
  EXPECT_THAT(BuildVerifyOptions(odd), HasCode(ErrorCode::kInvalidArgument));
  PolicyFlags missing_root;
  missing_root.root = "/nonexistent/root.pem";
  EXPECT_THAT(BuildVerifyOptions(missing_root), HasCode(ErrorCode::kIoError));
  PolicyFlags neg;
  neg.max_age = -1;
  EXPECT_THAT(BuildVerifyOptions(neg), HasCode(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace nitro_attest::cli
