// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// `verifier verify` in batch mode (several inputs, --each-line, --jobs, --fail-fast, JSON
// Lines): order, names, mixed verdicts, odd lines and exit codes, on emulator documents.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/nsm.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::RunProcess;
using ::nitro_attest::testing::TempDir;
using ::nitro_attest::testing::Tool;

// Samples holds emulator documents of one chain: good[i] carries nonce i.
struct Samples {
  TempDir dir;
  std::string root;  // the emulator's root (PEM file)
  std::vector<Bytes> good;
  Bytes bad_signature;  // good[0] with its signature's last byte flipped
};

const Samples& Get() {
  static Samples* s = [] {
    auto* out = new Samples;
    auto emulator = NsmEmulator::Create();
    EXPECT_TRUE(emulator.has_value());
    out->root = out->dir.File("root.pem");
    std::ofstream(out->root) << (*emulator)->RootPem();
    NsmClient client((*emulator)->NewHandle());
    for (uint8_t i = 0; i < 8; ++i) {
      AttestationRequest request;
      request.nonce = Bytes{i};
      auto doc = client.Attestation(request);
      EXPECT_TRUE(doc.has_value());
      out->good.push_back(*doc);
    }
    out->bad_signature = out->good[0];
    out->bad_signature.back() ^= 1;
    return out;
  }();
  return *s;
}

std::vector<std::string> Verify(std::vector<std::string> args) {
  std::vector<std::string> argv = {Tool("verifier"), "verify"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--root", Get().root, "--any-image"});
  return argv;
}

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(nlohmann::json::parse(line));  // throws, failing the test, on a bad line
  }
  return lines;
}

std::vector<std::string> TextLines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// What line i of the mixed input is: 0 good (nonce i % 8), 1 bad signature, 2 not a document.
int KindOf(size_t i) { return i % 5 == 3 ? 1 : i % 7 == 4 ? 2 : 0; }

std::string MixedInput(size_t n) {
  const Samples& s = Get();
  std::string input;
  for (size_t i = 0; i < n; ++i) {
    switch (KindOf(i)) {
      case 0:
        // Hex and base64 alternate; both are accepted per line.
        input += i % 2 ? HexEncode(s.good[i % 8]) : Base64Encode(s.good[i % 8]);
        break;
      case 1:
        input += Base64Encode(s.bad_signature);
        break;
      default:
        input += "not a document!";  // "!" is neither hex nor base64
    }
    input += "\n";
  }
  return input;
}

TEST(VerifierBatchCliTest, KeepsInputOrderUnderJobsWithMixedVerdicts) {
  constexpr size_t kLines = 60;
  const std::string input = MixedInput(kLines);
  // At each document's own time, so that two runs report the same verified_at.
  auto one =
      RunProcess(Verify({"-", "--each-line", "--json", "--at", "document", "--jobs", "1"}), input);
  auto four =
      RunProcess(Verify({"-", "--each-line", "--json", "--at", "document", "--jobs", "4"}), input);
  EXPECT_EQ(one.exit_code, 1) << one.err;
  EXPECT_EQ(four.exit_code, 1) << four.err;
  // Same verdicts, same order, whatever the threads did.
  EXPECT_TRUE(one.out == four.out) << "outputs differ between --jobs 1 and --jobs 4";
  const auto lines = JsonLines(four.out);
  ASSERT_EQ(lines.size(), kLines);
  for (size_t i = 0; i < kLines; ++i) {
    const auto& j = lines[i];
    EXPECT_EQ(j["line"], i + 1);
    EXPECT_EQ(j["input"], "stdin:" + std::to_string(i + 1));
    EXPECT_EQ(j["file"], "stdin");
    switch (KindOf(i)) {
      case 0:
        EXPECT_TRUE(j["verified"].get<bool>()) << j.dump();
        EXPECT_EQ(j["document"]["nonce"], HexEncode(Bytes{static_cast<uint8_t>(i % 8)}));
        break;
      case 1:
        EXPECT_FALSE(j["verified"].get<bool>());
        EXPECT_EQ(j["error"]["code"], to_string(ErrorCode::kBadSignature));
        break;
      default:
        EXPECT_FALSE(j["verified"].get<bool>());
        EXPECT_EQ(j["error"]["code"], to_string(ErrorCode::kMalformedInput));
    }
  }
  EXPECT_NE(four.err.find("summary: 60 documents:"), std::string::npos) << four.err;
}

TEST(VerifierBatchCliTest, JsonLinesHaveTheSingleDocumentSchemaPlusTheInput) {
  const Samples& s = Get();
  const std::string input = Base64Encode(s.good[1]) + "\n" + Base64Encode(s.bad_signature) + "\n";
  auto r = RunProcess(Verify({"-", "--each-line", "--json", "--at", "document"}), input);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u);

  // The single-document report of the same document has the same keys, less the input's.
  const std::string single_path = WriteFile(s.dir.File("one.b64"), Base64Encode(s.good[1]));
  auto single = RunProcess(Verify({single_path, "--json", "--at", "document"}));
  ASSERT_EQ(single.exit_code, 0) << single.err;
  auto single_json = nlohmann::json::parse(single.out);
  auto batch_json = lines[0];
  for (const char* key : {"input", "file", "line"}) {
    EXPECT_FALSE(single_json.contains(key)) << key;
    ASSERT_TRUE(batch_json.contains(key)) << key;
    batch_json.erase(key);
  }
  EXPECT_EQ(batch_json, single_json);

  EXPECT_EQ(lines[1]["schema_version"], 1);
  EXPECT_FALSE(lines[1]["verified"].get<bool>());
  EXPECT_EQ(lines[1]["error"]["code"], to_string(ErrorCode::kBadSignature));
  EXPECT_FALSE(lines[1]["unverified_document"].is_null());
  EXPECT_TRUE(lines[1]["any_image"].get<bool>());
}

TEST(VerifierBatchCliTest, OneInputWithoutEachLineKeepsTheSingleDocumentReport) {
  const Samples& s = Get();
  const std::string path = WriteFile(s.dir.File("single.b64"), Base64Encode(s.good[2]));
  auto r = RunProcess(Verify({path, "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n  \"any_image\""), std::string::npos);  // pretty, as before batches
  EXPECT_EQ(r.err.find("summary:"), std::string::npos);
  auto text = RunProcess(Verify({path}));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.rfind("VERIFIED: signature, certificate chain", 0), 0u) << text.out;
}

TEST(VerifierBatchCliTest, SeveralFilesAreNamedAndAllVerifiedExitsZero) {
  const Samples& s = Get();
  const std::string a = WriteFile(s.dir.File("a.cbor"),
                                  std::string(s.good[3].begin(), s.good[3].end()));
  const std::string b = WriteFile(s.dir.File("b.hex"), HexEncode(s.good[4]) + "\n");
  const std::string c = WriteFile(s.dir.File("c.b64"), Base64Encode(s.good[5]));
  auto r = RunProcess(Verify({a, b, c, "--jobs", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = TextLines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("VERIFIED " + a + ": ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("VERIFIED " + b + ": ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("VERIFIED " + c + ": ", 0), 0u) << lines[2];
  EXPECT_NE(r.err.find("3 verified, 0 rejected, 0 errors"), std::string::npos) << r.err;

  auto j = RunProcess(Verify({a, b, "--json"}));
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto json = JsonLines(j.out);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["input"], a);
  EXPECT_TRUE(json[0]["line"].is_null());
  EXPECT_EQ(json[1]["file"], b);
}

TEST(VerifierBatchCliTest, TruncatedLastLineIsStillADocument) {
  const Samples& s = Get();
  const std::string input = Base64Encode(s.good[0]) + "\n" + HexEncode(s.good[1]);  // no "\n"
  auto r = RunProcess(Verify({"-", "--each-line", "--json"}), input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["input"], "stdin:2");
  EXPECT_TRUE(lines[1]["verified"].get<bool>());
  // Cut inside the document: the last line is a malformed document, not dropped.
  const std::string b64 = Base64Encode(s.good[2]);
  auto cut = RunProcess(Verify({"-", "--each-line", "--json"}),
                        input + "\n" + b64.substr(0, b64.size() / 2));
  EXPECT_EQ(cut.exit_code, 1) << cut.err;
  const auto cut_lines = JsonLines(cut.out);
  ASSERT_EQ(cut_lines.size(), 3u);
  EXPECT_FALSE(cut_lines[2]["verified"].get<bool>());
}

TEST(VerifierBatchCliTest, BlankLinesAreSkippedAndKeepTheLineNumbers) {
  const Samples& s = Get();
  const std::string input =
      "\n" + Base64Encode(s.good[0]) + "\r\n  \t\n\n" + HexEncode(s.good[1]) + "\n\n";
  auto r = RunProcess(Verify({"-", "--each-line"}), input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = TextLines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("VERIFIED stdin:2: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("VERIFIED stdin:5: ", 0), 0u) << lines[1];
  EXPECT_NE(r.err.find("4 blank lines skipped"), std::string::npos) << r.err;

  // Nothing but blank lines (or nothing at all) verifies nothing: not a success.
  for (const std::string& empty : {std::string(), std::string("\n \n\n")}) {
    auto none = RunProcess(Verify({"-", "--each-line", "--json"}), empty);
    EXPECT_EQ(none.exit_code, 1) << none.err;
    EXPECT_TRUE(none.out.empty()) << none.out;
    EXPECT_NE(none.err.find("no document"), std::string::npos) << none.err;
  }
}

TEST(VerifierBatchCliTest, HugeLineIsRefusedAndTheBatchGoesOn) {
  const Samples& s = Get();
  // 8 MiB without a newline: far over the 64 KiB line bound, and over the reader's buffer.
  const std::string input = Base64Encode(s.good[0]) + "\n" + std::string(8 << 20, 'A') + "\n" +
                            Base64Encode(s.good[1]) + "\n";
  for (const char* jobs : {"1", "3"}) {
    auto r = RunProcess(Verify({"-", "--each-line", "--json", "--jobs", jobs}), input);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto lines = JsonLines(r.out);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_TRUE(lines[0]["verified"].get<bool>());
    EXPECT_EQ(lines[1]["input"], "stdin:2");
    EXPECT_EQ(lines[1]["error"]["code"], to_string(ErrorCode::kMalformedInput));
    EXPECT_TRUE(lines[1]["unverified_document"].is_null());
    EXPECT_TRUE(lines[2]["verified"].get<bool>());
    EXPECT_EQ(lines[2]["input"], "stdin:3");
  }
}

TEST(VerifierBatchCliTest, FailFastStopsAtTheFirstFailureInInputOrder) {
  const Samples& s = Get();
  std::string input;
  for (size_t i = 0; i < 20; ++i) {
    input += Base64Encode(i == 6 ? s.bad_signature : s.good[i % 8]) + "\n";
  }
  for (const char* jobs : {"1", "4"}) {
    auto r = RunProcess(Verify({"-", "--each-line", "--fail-fast", "--jobs", jobs}), input);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto lines = TextLines(r.out);
    ASSERT_EQ(lines.size(), 7u) << r.out;
    EXPECT_EQ(lines[6].rfind("REJECTED stdin:7: " + std::string(to_string(ErrorCode::kBadSignature)),
                             0),
              0u)
        << lines[6];
    EXPECT_NE(r.err.find("--fail-fast"), std::string::npos) << r.err;
  }
  // --keep-going (the default) verifies every line.
  auto all = RunProcess(Verify({"-", "--each-line", "--keep-going"}), input);
  EXPECT_EQ(all.exit_code, 1) << all.err;
  EXPECT_EQ(TextLines(all.out).size(), 20u);
  EXPECT_NE(all.err.find("19 verified, 1 rejected, 0 errors"), std::string::npos) << all.err;
}

TEST(VerifierBatchCliTest, ExitCodes) {
  const Samples& s = Get();
  const std::string good = WriteFile(s.dir.File("good.b64"), Base64Encode(s.good[0]));
  const std::string bad = WriteFile(s.dir.File("bad.b64"), Base64Encode(s.bad_signature));
  const std::string missing = s.dir.File("missing.cbor");
  EXPECT_EQ(RunProcess(Verify({good, good})).exit_code, 0);
  EXPECT_EQ(RunProcess(Verify({good, bad})).exit_code, 1);
  // An input that cannot be read is an I/O error (2), which outranks a rejection; the other
  // inputs are still verified.
  auto io = RunProcess(Verify({good, missing, bad, "--json"}));
  EXPECT_EQ(io.exit_code, 2) << io.err;
  const auto lines = JsonLines(io.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1]["input"], missing);
  EXPECT_EQ(lines[1]["error"]["code"], to_string(ErrorCode::kIoError));
  EXPECT_EQ(lines[2]["error"]["code"], to_string(ErrorCode::kBadSignature));
  EXPECT_EQ(RunProcess(Verify({missing, "--each-line"})).exit_code, 2);

  // Usage errors: exit 2 before reading anything.
  EXPECT_EQ(RunProcess(Verify({good, good, "--fail-fast", "--keep-going"})).exit_code, 2);
  EXPECT_EQ(RunProcess(Verify({good, good, "--jobs", "0"})).exit_code, 2);
  EXPECT_EQ(RunProcess(Verify({"-", "-", "--each-line"})).exit_code, 2);
  // A batch fails closed like one document: no PCR policy, no verification.
  auto no_policy = RunProcess(
      {Tool("verifier"), "verify", good, good, "--root", Get().root, "--json"});
  EXPECT_EQ(no_policy.exit_code, 2) << no_policy.err;
  EXPECT_EQ(nlohmann::json::parse(no_policy.out)["error"]["code"],
            to_string(ErrorCode::kInvalidArgument));
  // A --root that cannot be read: exit 2, one JSON line.
  auto no_root = RunProcess({Tool("verifier"), "verify", good, good, "--any-image", "--root",
                             missing, "--json"});
  EXPECT_EQ(no_root.exit_code, 2) << no_root.err;
  EXPECT_EQ(JsonLines(no_root.out).size(), 1u);
}

TEST(VerifierBatchCliTest, RealDocumentsEachAtItsOwnTime) {
  NA_REQUIRE_SHARED();
  std::vector<std::string> argv = {Tool("verifier"), "verify", "--at", "document", "--any-image",
                                   "--allow-debug", "--json"};
  const auto docs = ::nitro_attest::testing::RealDocuments();
  ASSERT_FALSE(docs.empty());
  for (const auto& d : docs) {
    argv.push_back(d.path.string());
  }
  auto r = RunProcess(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    EXPECT_EQ(lines[i]["input"], docs[i].path.string());
    EXPECT_TRUE(lines[i]["at_document_time"].get<bool>());
    EXPECT_EQ(lines[i]["document"]["module_id"], docs[i].module_id);
  }
}

}  // namespace
}  // namespace nitro_attest
