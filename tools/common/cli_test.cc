// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "testing/matchers.h"
#include "testing/process.h"
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
  EXPECT_FALSE(o->allow_any_image);

  for (const std::string& bad : {std::string("0=abc"), std::string("32=") + kPcr,
                                 std::string("x=") + kPcr, std::string(kPcr), std::string("0="),
                                 std::string("=") + kPcr, std::string("00=") + kPcr}) {
    PolicyFlags g;
    g.pcrs = {bad};
    EXPECT_THAT(BuildVerifyOptions(g), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
  PolicyFlags twice;
  twice.pcrs = {"0=" + kPcr, "0=" + std::string(96, 'b')};
  EXPECT_THAT(BuildVerifyOptions(twice), HasCode(ErrorCode::kInvalidArgument));
  PolicyFlags neg;
  neg.any_image = true;
  neg.max_age = -1;
  EXPECT_THAT(BuildVerifyOptions(neg), HasCode(ErrorCode::kInvalidArgument));
  neg.max_age = INT64_MAX / 1000 + 1;  // too large for milliseconds
  EXPECT_THAT(BuildVerifyOptions(neg), HasCode(ErrorCode::kInvalidArgument));
  neg.max_age = INT64_MAX / 1000;
  EXPECT_THAT(BuildVerifyOptions(neg), IsOk());
}

TEST(PolicyTest, EmptyOrBadExpectedValuesAreUsageErrorsAndNoneDemandsAbsence) {
  for (const char* bad : {"", "abc", "zz", "0x", "0xabc", " 01"}) {
    for (auto field : {&PolicyFlags::nonce, &PolicyFlags::user_data, &PolicyFlags::public_key}) {
      PolicyFlags f;
      f.any_image = true;
      f.*field = bad;
      EXPECT_THAT(BuildVerifyOptions(f), HasCode(ErrorCode::kInvalidArgument)) << bad;
    }
  }
  PolicyFlags f;
  f.any_image = true;
  f.nonce = "none";
  f.user_data = "0xAB";
  auto o = BuildVerifyOptions(f);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->nonce.kind(), ExpectedBytes::Kind::kAbsent);
  EXPECT_EQ(o->user_data.value(), Bytes{0xab});
  EXPECT_FALSE(o->public_key.checked());
  PolicyFlags big;
  big.any_image = true;
  big.user_data = std::string(2 * 1025, 'a');
  EXPECT_THAT(BuildVerifyOptions(big), HasCode(ErrorCode::kInvalidArgument));
}

TEST(PolicyTest, APcrPolicyOrAnyImageIsRequired) {
  PolicyFlags none;
  EXPECT_THAT(BuildVerifyOptions(none), HasCode(ErrorCode::kInvalidArgument));
  none.nonce = "01";  // other checks are not an image policy
  EXPECT_THAT(BuildVerifyOptions(none), HasCode(ErrorCode::kInvalidArgument));
  PolicyFlags any;
  any.any_image = true;
  auto o = BuildVerifyOptions(any);
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->allow_any_image);
  PolicyFlags one;
  one.pcrs = {"23=" + kPcr};  // any index counts
  EXPECT_THAT(BuildVerifyOptions(one), IsOk());
  one.any_image = true;
  EXPECT_THAT(BuildVerifyOptions(one), HasCode(ErrorCode::kInvalidArgument));
}

TEST(PolicyTest, TimeOptions) {
  PolicyFlags f;
  f.any_image = true;
  for (const char* bad : {"2026-02-31T00:00:00Z", "10000-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
                          "99999999999999", "yesterday", "Document"}) {
    f.at = bad;
    EXPECT_THAT(BuildVerifyOptions(f), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
  f.at = "document";
  auto doc = BuildVerifyOptions(f);
  ASSERT_THAT(doc, IsOk());
  EXPECT_TRUE(doc->at_document_time);
  EXPECT_FALSE(doc->now.has_value());
  PinVerificationTime(&*doc);
  EXPECT_FALSE(doc->now.has_value());
  f.at = "3000-01-01T00:00:00Z";
  auto far = BuildVerifyOptions(f);
  ASSERT_THAT(far, IsOk());
  EXPECT_EQ(far->now, *ParseTime("3000-01-01T00:00:00Z"));
  f.at.clear();
  auto now = BuildVerifyOptions(f);
  ASSERT_THAT(now, IsOk());
  PinVerificationTime(&*now);
  EXPECT_TRUE(now->now.has_value());
}

TEST(WriteFileAtomicallyTest, ASecretFileIsOwnerOnlyEvenOverALeftoverTemporaryFile) {
  const ::nitro_attest::testing::TempDir dir;
  const std::string path = dir.File("creds.json");
  // A leftover PATH.tmp that anyone may read must not lend its permissions to the secret.
  std::ofstream(path + ".tmp") << "old";
  std::filesystem::permissions(path + ".tmp", std::filesystem::perms::all);
  const std::string secret = "secret";
  ASSERT_THAT(WriteFileAtomically(path, std::span(reinterpret_cast<const uint8_t*>(secret.data()),
                                                  secret.size()),
                                  0600),
              IsOk());
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "secret");
  // A directory that does not exist: an I/O error, nothing left behind.
  EXPECT_THAT(WriteFileAtomically(dir.File("none/x"), "x"), HasCode(ErrorCode::kIoError));
}

class PolicyFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    EXPECT_THAT(WriteFileAtomically(path, text), IsOk());
    return path;
  }
  static std::string Measurements(const std::string& pcrs) {
    return R"({"Measurements": {"HashAlgorithm": "Sha384 { ... }", )" + pcrs + "}}";
  }
  static std::string Pcr(int index, char digit) {
    return "\"PCR" + std::to_string(index) + "\": \"" + std::string(96, digit) + "\"";
  }
  ::nitro_attest::testing::TempDir dir_;
};

TEST_F(PolicyFileTest, PcrsFromIsRepeatableAndEachFileIsOneWholeImage) {
  const std::string blue = Write("blue.json", Measurements(Pcr(0, 'a') + ", " + Pcr(1, 'b') +
                                                           ", " + Pcr(2, 'c')));
  const std::string green = Write("green.json", Measurements(Pcr(0, 'd') + ", " + Pcr(1, 'e') +
                                                             ", " + Pcr(2, 'f') + ", " +
                                                             Pcr(8, '8')));
  PolicyFlags f;
  f.pcrs_from = {blue, green};
  auto o = BuildVerifyOptions(f);
  ASSERT_THAT(o, IsOk());
  ASSERT_EQ(o->pcr_sets.size(), 2u);
  EXPECT_EQ(o->pcr_sets[0].name, blue);
  EXPECT_EQ(o->pcr_sets[1].pcrs.size(), 4u);
  EXPECT_TRUE(o->pcrs.empty());
  // A file that does not pin PCR0, PCR1 and PCR2 pins no image.
  for (const std::string& partial : {Measurements(Pcr(15, 'a')),
                                     Measurements(Pcr(0, 'a') + ", " + Pcr(1, 'b'))}) {
    f.pcrs_from = {Write("partial.json", partial)};
    EXPECT_THAT(BuildVerifyOptions(f), HasCode(ErrorCode::kInvalidArgument)) << partial;
  }
  f.pcrs_from = {dir_.File("absent.json")};
  EXPECT_THAT(BuildVerifyOptions(f), HasCode(ErrorCode::kIoError));
}

TEST_F(PolicyFileTest, DuplicateKeysAndUnknownShapesAreErrors) {
  for (const std::string& bad :
       {Measurements(Pcr(0, 'a') + ", " + Pcr(1, 'b') + ", " + Pcr(2, 'c') + ", " + Pcr(0, 'd')),
        std::string(R"({"Measurements": {"PCR0": "x"}, "Measurements": {}})"), std::string("[]"),
        std::string("\"PCR0\""), std::string("42"), std::string("[{}, {}]"),
        std::string("{}"), std::string("{\"Measurements\": []}")}) {
    EXPECT_THAT(ParseMeasurementsJson(bad), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(ParseJsonStrict(R"({"a": {"b": 1, "b": 2}})", "test"),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseJsonStrict(R"({"a": {"b": 1}, "c": {"b": 2}})", "test"), IsOk());
  EXPECT_THAT(ParseJsonStrict(R"([{"b": 1}, {"b": 2}])", "test"), IsOk());
  EXPECT_THAT(ParseJsonStrict("{\"a\": \"\xff\"}", "test"), HasCode(ErrorCode::kInvalidArgument));
  // Deep nesting is refused before parsing (a megabyte of '[' would otherwise be parsed).
  EXPECT_THAT(ParseJsonStrict(std::string(16, '[') + std::string(16, ']'), "test"), IsOk());
  EXPECT_THAT(ParseJsonStrict(std::string(17, '[') + std::string(17, ']'), "test"),
              HasCode(ErrorCode::kInvalidArgument));
  EXPECT_THAT(ParseMeasurementsJson(std::string(1 << 20, '[')),
              HasCode(ErrorCode::kInvalidArgument));
}

TEST_F(PolicyFileTest, PolicyFileExpressesEverything) {
  const std::string pem = VerifyOptions().roots.empty() ? "" : "aws-nitro-root-g1";
  const std::string set = [&] {
    std::string s;
    for (int i = 0; i < 3; ++i) {
      s += (i ? ", " : "") + std::string("\"") + std::to_string(i) + "\": \"" +
           std::string(96, static_cast<char>('a' + i)) + "\"";
    }
    return s;
  }();
  const std::string path = Write("policy.json", R"({"version": 1,
      "pcr_sets": [{"name": "blue", "pcrs": {)" + set + R"(}}, {"pcrs": {)" + set + R"(}}],
      "pcrs": {"8": ")" + std::string(96, '8') + R"("},
      "roots": [")" + pem + R"("], "max_age_seconds": 300, "allow_debug": true,
      "nonce": null, "user_data": "0102"})");
  PolicyFlags f;
  f.policy_file = path;
  auto o = BuildVerifyOptions(f);
  ASSERT_THAT(o, IsOk());
  ASSERT_EQ(o->pcr_sets.size(), 2u);
  EXPECT_EQ(o->pcr_sets[0].name, "blue");
  EXPECT_EQ(o->pcr_sets[1].name, "1");
  EXPECT_EQ(o->pcrs.size(), 1u);
  EXPECT_EQ(o->roots, VerifyOptions().roots);
  EXPECT_EQ(o->max_age, std::chrono::seconds(300));
  EXPECT_TRUE(o->allow_debug);
  EXPECT_EQ(o->nonce.kind(), ExpectedBytes::Kind::kAbsent);
  EXPECT_EQ(o->user_data.value(), (Bytes{1, 2}));
  EXPECT_FALSE(o->public_key.checked());
  // The same setting on the command line too is ambiguous: refused.
  PolicyFlags both = f;
  both.max_age = 10;
  EXPECT_THAT(BuildVerifyOptions(both), HasCode(ErrorCode::kInvalidArgument));
  both = f;
  both.nonce = "01";
  EXPECT_THAT(BuildVerifyOptions(both), HasCode(ErrorCode::kInvalidArgument));
  both = f;
  both.roots = {"root.pem"};
  EXPECT_THAT(BuildVerifyOptions(both), HasCode(ErrorCode::kInvalidArgument));
  // Bad files.
  for (const std::string& bad :
       {std::string(R"({"pcrs": {"0": ")") + std::string(96, 'a') + "\"}}",  // no version
        std::string(R"({"version": 2, "any_image": true})"),
        std::string(R"({"version": 1, "any_image": true, "colour": "blue"})"),
        std::string(R"({"version": 1, "version": 1, "any_image": true})"),
        std::string(R"({"version": 1})"),  // no PCR policy
        std::string(R"({"version": 1, "pcr_sets": [{"pcrs": {"0": ")") + std::string(96, 'a') +
            "\"}}]}",  // a set without PCR1 and PCR2
        std::string(R"({"version": 1, "pcr_sets": []})"),
        std::string(R"({"version": 1, "any_image": true, "nonce": ""})"),
        std::string(R"({"version": 1, "any_image": true, "nonce": "none"})"),
        std::string(R"({"version": 1, "any_image": true, "max_age_seconds": -1})"),
        std::string(R"({"version": 1, "any_image": true, "roots": ["not a pem"]})"),
        std::string(R"({"version": 1, "any_image": "yes"})"), std::string("[1]")}) {
    PolicyFlags g;
    g.policy_file = Write("bad.json", bad);
    EXPECT_THAT(BuildVerifyOptions(g), HasCode(ErrorCode::kInvalidArgument)) << bad;
  }
}

TEST_F(PolicyFileTest, RootsAreRepeatable) {
  PolicyFlags f;
  f.any_image = true;
  f.roots = {"aws-nitro-root-g1", "aws-nitro-root-g1"};
  auto o = BuildVerifyOptions(f);
  ASSERT_THAT(o, IsOk());
  ASSERT_THAT(LoadRoots(f, &*o), IsOk());
  EXPECT_EQ(o->roots.size(), 2u);
  f.roots = {"aws-nitro-root-g1", dir_.File("missing.pem")};
  EXPECT_THAT(LoadRoots(f, &*o), HasCode(ErrorCode::kIoError));
  f.roots = {Write("junk.pem", "junk")};
  EXPECT_THAT(LoadRoots(f, &*o), HasCode(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace nitro_attest::cli
