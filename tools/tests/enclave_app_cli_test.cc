// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The `enclave_app` and `nsm-emulator` binaries: every command, exit codes, JSON, and PCR state
// kept across commands by a running nsm-emulator process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::ProcessResult;
using ::nitro_attest::testing::RunProcess;
using ::nitro_attest::testing::StartProcess;
using ::nitro_attest::testing::TempDir;
using ::nitro_attest::testing::Tool;

constexpr char kPcr4OfV2[] =
    "9ab5a1aba055ee41ee254b9b251a58259b29fa1096859762744e9ac73b5869b25e51223854d9f86adbb37fe69f3e5d"
    "1c";
constexpr char kExtend010203FromZero[] =
    "cb178fcd3f328244c05c6248723fd068b3a1dda878e1ab8be911098f199958add55d0c27f04826d27b44d949a65069"
    "4e";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

ProcessResult App(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), Tool("enclave_app"));
  return RunProcess(args, input);
}

// EmulatorProcess runs `nsm-emulator` in the background for one test.
class EmulatorProcess {
 public:
  explicit EmulatorProcess(const TempDir& dir, std::vector<std::string> extra = {})
      : socket_(dir.File("nsm.sock")), root_(dir.File("root.pem")) {
    // The unix:PATH form the other tools take (a bare path works too: BadOptionsExitTwo).
    std::vector<std::string> argv = {Tool("nsm-emulator"), "--listen", "unix:" + socket_,
                                     "--root-out", root_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = StartProcess(argv, "/dev/null");
    // Readiness, not timing: wait (generously) until the socket exists.
    for (int i = 0; i < 2000 && !std::filesystem::exists(socket_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~EmulatorProcess() {
    if (pid_ > 0) {
      Stop();
    }
  }
  // Stop sends `sig` and returns the exit status.
  int Stop(int sig = SIGTERM) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  bool ready() const { return std::filesystem::exists(socket_); }
  std::string address() const { return "unix:" + socket_; }
  const std::string& socket() const { return socket_; }
  const std::string& root() const { return root_; }

 private:
  std::string socket_, root_;
  pid_t pid_ = -1;
};

nlohmann::json Json(const ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

TEST(EnclaveAppCliTest, DescribeWithInProcessEmulator) {
  auto r = App({"--emulate", "--emulate-instance-id", "i-0f73a4b4cb74cc9f2", "describe"});
  const auto j = Json(r);
  EXPECT_EQ(j["version"], "1.0.0");
  EXPECT_EQ(j["max_pcrs"], 32);
  EXPECT_EQ(j["digest"], "SHA384");
  EXPECT_EQ(j["locked_pcrs"].size(), 16u);
  EXPECT_EQ(j["module_id"].get<std::string>().rfind("i-0f73a4b4cb74cc9f2-enc", 0), 0u);
  EXPECT_NE(r.err.find("INSECURE"), std::string::npos);
}

TEST(EnclaveAppCliTest, SelectionOptionsMayFollowTheSubcommand) {
  auto r = App({"pcr", "read", "4", "--emulate", "--emulate-instance-id", "i-0f73a4b4cb74cc9f2"});
  const auto j = Json(r);
  EXPECT_EQ(j["index"], 4);
  EXPECT_EQ(j["locked"], true);
  EXPECT_EQ(j["value"], kPcr4OfV2);
}

TEST(EnclaveAppCliTest, PcrCommandsAndTheirErrors) {
  const auto j = Json(App({"--emulate", "pcr", "extend", "16", "010203"}));
  EXPECT_EQ(j["value"], kExtend010203FromZero);
  // Locked PCR, out-of-range index: the NSM refuses, exit 1.
  EXPECT_EQ(App({"--emulate", "pcr", "extend", "0", "00"}).exit_code, 1);
  EXPECT_EQ(App({"--emulate", "pcr", "read", "32"}).exit_code, 1);
  EXPECT_EQ(App({"--emulate", "pcr", "lock", "3"}).exit_code, 1);
  EXPECT_EQ(App({"--emulate", "pcr", "lock-range", "33"}).exit_code, 1);
  EXPECT_EQ(Json(App({"--emulate", "pcr", "lock", "16"}))["locked"], true);
  EXPECT_EQ(Json(App({"--emulate", "pcr", "lock-range", "32"}))["range"], 32);
  // Odd hex and a non-number index are usage errors, exit 2.
  EXPECT_EQ(App({"--emulate", "pcr", "extend", "16", "abc"}).exit_code, 2);
  EXPECT_EQ(App({"--emulate", "pcr", "read", "x"}).exit_code, 2);
  EXPECT_EQ(App({"--emulate", "pcr"}).exit_code, 2);
}

TEST(EnclaveAppCliTest, Random) {
  auto r = App({"--emulate", "random"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.size(), 2 * 256 + 1u);
  auto big = App({"--emulate", "random", "1000"});
  ASSERT_EQ(big.exit_code, 0) << big.err;
  EXPECT_EQ(big.out.size(), 2 * 1000 + 1u);
  EXPECT_EQ(App({"--emulate", "random", "0"}).exit_code, 2);
}

TEST(EnclaveAppCliTest, NoDeviceIsAnErrorNeverAFallback) {
  auto r = App({"--device", "/nonexistent/nsm", "describe"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(App({"--emulator", "unix:/nonexistent/nsm.sock", "describe"}).exit_code, 2);
  EXPECT_EQ(App({"--emulator", "/no/scheme", "describe"}).exit_code, 2);
  EXPECT_EQ(App({"--emulate", "--emulator", "unix:/x", "describe"}).exit_code, 2);
  EXPECT_EQ(App({"--emulate-seed", "x", "describe"}).exit_code, 2);  // needs --emulate
}

TEST(EnclaveAppCliTest, AttestBase64AndRaw) {
  TempDir dir;
  auto r = App({"--emulate", "attest", "--nonce", "0102", "--user-data", "ff"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = Base64Decode(r.out);
  ASSERT_TRUE(doc.has_value());
  auto parsed = ParseUnverified(*doc);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().detail;
  EXPECT_EQ(parsed->nonce, (Bytes{1, 2}));
  EXPECT_EQ(parsed->user_data, (Bytes{0xff}));
  EXPECT_FALSE(parsed->public_key.has_value());

  const std::string raw = dir.File("doc.cbor");
  auto w = App({"--emulate", "attest", "--format", "raw", "--out", raw});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const std::string bytes = ReadText(raw);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0x84);
}

TEST(EnclaveAppCliTest, AttestBadInput) {
  EXPECT_EQ(App({"--emulate", "attest", "--nonce", "abc"}).exit_code, 2);  // odd hex
  EXPECT_EQ(App({"--emulate", "attest", "--nonce", "zz"}).exit_code, 2);   // not hex
  EXPECT_EQ(App({"--emulate", "attest", "--user-data", std::string(2050, 'a')}).exit_code, 2);
  EXPECT_EQ(App({"--emulate", "attest", "--format", "pem"}).exit_code, 2);
  EXPECT_EQ(App({"--emulate", "attest", "--public-key-file", "/nonexistent"}).exit_code, 2);
  EXPECT_EQ(App({"--emulate", "attest", "--private-key-out", "/tmp/x"}).exit_code, 2);
  EXPECT_EQ(App({"--emulate", "attest", "--ephemeral-key", "--public-key-file", "/x"}).exit_code,
            2);
}

TEST(EnclaveAppCliTest, EphemeralKeyBindsItsPublicHalf) {
  TempDir dir;
  const std::string key = dir.File("key.pem");
  auto r = App({"--emulate", "attest", "--ephemeral-key", "--private-key-out", key});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = ParseUnverified(Base64Decode(r.out).value());
  ASSERT_TRUE(doc.has_value());
  ASSERT_TRUE(doc->public_key.has_value());
  EXPECT_EQ(doc->public_key->size(), 120u);  // DER SPKI of a P-384 key
  EXPECT_EQ(ReadText(key).rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // A key file's bytes are bound as given.
  const std::string pub = dir.File("pub.der");
  std::ofstream(pub, std::ios::binary) << "dummy";
  auto f = App({"--emulate", "attest", "--public-key-file", pub});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  auto fdoc = ParseUnverified(Base64Decode(f.out).value());
  ASSERT_TRUE(fdoc.has_value());
  EXPECT_EQ(fdoc->public_key, (Bytes{'d', 'u', 'm', 'm', 'y'}));
}

TEST(EnclaveAppCliTest, EmulatorRootOutIsTheDocumentsRoot) {
  TempDir dir;
  const std::string root = dir.File("root.pem");
  auto r = App({"--emulate", "--emulate-root-out", root, "attest"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadText(root).rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
}

// Sh runs a shell pipeline (the tools' paths substituted by the caller).
ProcessResult Sh(const std::string& script) { return RunProcess({"/bin/sh", "-c", script}); }

std::string Quote(const std::string& s) { return "'" + s + "'"; }

TEST(EnclaveAppCliTest, EmulatedDocumentPipesIntoTheVerifier) {
  TempDir dir;
  const std::string root = dir.File("root.pem");
  const std::string pcr0(96, 'c');
  // A seeded emulator has the same root in every run: export it first, then pipe.
  const std::string emulate = Quote(Tool("enclave_app")) + " --emulate --emulate-seed demo" +
                              " --emulate-pcr0 " + pcr0 +
                              " --emulate-instance-id i-0f73a4b4cb74cc9f2";
  ASSERT_EQ(Sh(emulate + " --emulate-root-out " + Quote(root) + " describe").exit_code, 0);
  const std::string verify = Quote(Tool("verifier")) + " verify - --root " + Quote(root);

  auto ok = Sh(emulate + " attest --nonce 0badc0de | " + verify + " --nonce 0badc0de --any-image");
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("VERIFIED"), std::string::npos) << ok.out;

  auto pcrs = Sh(emulate + " attest --nonce 01 | " + verify + " --nonce 01 --pcr 0=" + pcr0 +
                 " --pcr 4=" + kPcr4OfV2);
  EXPECT_EQ(pcrs.exit_code, 0) << pcrs.out << pcrs.err;

  // Policy mismatches and the missing root are rejections (exit 1).
  EXPECT_EQ(Sh(emulate + " attest --nonce 01 | " + verify + " --nonce 02 --any-image").exit_code,
            1);
  EXPECT_EQ(Sh(emulate + " attest | " + verify + " --pcr 0=" + std::string(96, 'd')).exit_code, 1);
  EXPECT_EQ(Sh(emulate + " attest | " + Quote(Tool("verifier")) + " verify - --any-image").exit_code,
            1);
  // A field the verifier demands be absent, and one it demands be present.
  EXPECT_EQ(Sh(emulate + " attest | " + verify + " --any-image --nonce none --user-data none")
                .exit_code,
            0);
  EXPECT_EQ(Sh(emulate + " attest --nonce 01 | " + verify + " --any-image --nonce none").exit_code,
            1);
}

// The README's emulator pipeline, taken from README.md itself and run as written (build/ and
// /tmp/root.pem pointed at this build and a fresh directory). The root file does not exist
// when both sides start: the verifier must read the document first.
TEST(EnclaveAppCliTest, ReadmePipelineWorksEveryTime) {
  std::ifstream in(std::filesystem::path(NITRO_ATTEST_SOURCE_DIR) / "README.md");
  std::string line, pipeline;
  while (std::getline(in, line)) {
    if (line.find("--emulate-root-out /tmp/root.pem attest") != std::string::npos ||
        (!pipeline.empty() && pipeline.back() == '\\')) {
      if (!pipeline.empty()) {
        pipeline.pop_back();
      }
      pipeline += line;
    }
  }
  ASSERT_NE(pipeline.find("| build/verifier verify -"), std::string::npos) << pipeline;
  const auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
    return s;
  };
  for (int run = 0; run < 5; ++run) {
    TempDir dir;
    std::string script = replace_all(pipeline, "/tmp/root.pem", dir.File("root.pem"));
    script = replace_all(script, "build/", ::nitro_attest::testing::BinaryDir().string() + "/");
    const ProcessResult r = Sh(script);
    EXPECT_EQ(r.exit_code, 0) << script << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("VERIFIED"), std::string::npos);
  }
}

TEST(NsmEmulatorCliTest, PcrStateLastsAcrossCommands) {
  TempDir dir;
  EmulatorProcess emu(dir, {"--instance-id", "i-0f73a4b4cb74cc9f2"});
  ASSERT_TRUE(emu.ready());
  EXPECT_EQ(ReadText(emu.root()).rfind("-----BEGIN CERTIFICATE-----", 0), 0u);

  EXPECT_EQ(Json(App({"--emulator", emu.address(), "pcr", "extend", "16", "010203"}))["value"],
            kExtend010203FromZero);
  EXPECT_EQ(Json(App({"--emulator", emu.address(), "pcr", "lock", "16"}))["locked"], true);
  const auto read = Json(App({"pcr", "read", "16", "--emulator", emu.address()}));
  EXPECT_EQ(read["locked"], true);
  EXPECT_EQ(read["value"], kExtend010203FromZero);
  EXPECT_EQ(App({"--emulator", emu.address(), "pcr", "extend", "16", "00"}).exit_code, 1);
  const auto desc = Json(App({"--emulator", emu.address(), "describe"}));
  EXPECT_EQ(desc["locked_pcrs"].size(), 17u);

  // The document carries the newly locked PCR16, under the root the emulator wrote.
  auto att = App({"--emulator", emu.address(), "attest", "--nonce", "aa"});
  ASSERT_EQ(att.exit_code, 0) << att.err;
  auto doc = ParseUnverified(Base64Decode(att.out).value());
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(HexEncode(doc->pcrs.at(16)), kExtend010203FromZero);
  EXPECT_EQ(HexEncode(doc->pcrs.at(4)), kPcr4OfV2);
  auto verified = RunProcess({Tool("verifier"), "verify", "-", "--root", emu.root(), "--nonce",
                              "aa", "--pcr", std::string("16=") + kExtend010203FromZero},
                             att.out);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  EXPECT_EQ(emu.Stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(emu.socket()));
}

// `enclave_app --emulator ... serve` (the demo's set-up): one NSM client serves every session.
TEST(NsmEmulatorCliTest, ServeThroughARunningEmulator) {
  TempDir dir;
  EmulatorProcess emu(dir);
  ASSERT_TRUE(emu.ready());
  const std::string socket = dir.File("enclave.sock");
  ProcessResult served;
  std::thread server([&] {
    served = RunProcess({Tool("enclave_app"), "--emulator", emu.address(), "serve", "--listen",
                         "unix:" + socket, "--max-sessions", "2"},
                        "", std::chrono::milliseconds(30000));
  });
  for (int i = 0; i < 2000 && !std::filesystem::exists(socket); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (int session = 0; session < 2; ++session) {
    const ProcessResult r = RunProcess({Tool("verifier"), "fetch", "--connect", "unix:" + socket,
                                        "--root", emu.root(), "--timeout", "10000",
                                        "--any-image"});
    EXPECT_EQ(r.exit_code, 0) << "session " << session << ": " << r.err;
  }
  server.join();
  EXPECT_EQ(served.exit_code, 0) << served.err;
}

TEST(NsmEmulatorCliTest, SeededRootIsReproducible) {
  TempDir a, b;
  std::string root_a, root_b;
  {
    EmulatorProcess emu(a, {"--seed", "demo"});
    ASSERT_TRUE(emu.ready());
    root_a = ReadText(emu.root());
  }
  {
    EmulatorProcess emu(b, {"--seed", "demo"});
    ASSERT_TRUE(emu.ready());
    root_b = ReadText(emu.root());
    EXPECT_EQ(emu.Stop(SIGINT), 0);  // Ctrl-C stops it cleanly too
    EXPECT_FALSE(std::filesystem::exists(emu.socket()));
  }
  EXPECT_FALSE(root_a.empty());
  EXPECT_EQ(root_a, root_b);
}

TEST(NsmEmulatorCliTest, BadOptionsExitTwo) {
  EXPECT_EQ(RunProcess({Tool("nsm-emulator")}).exit_code, 2);  // --listen is required
  EXPECT_EQ(RunProcess({Tool("nsm-emulator"), "--listen", "/tmp/x.sock", "--pcr0", "00"}).exit_code,
            2);
  for (const char* listen : {"tcp:127.0.0.1:5000", "vsock:any:5000", "unix:"}) {
    EXPECT_EQ(RunProcess({Tool("nsm-emulator"), "--listen", listen}).exit_code, 2) << listen;
  }
}

TEST(NsmEmulatorCliTest, ListensOnABarePathToo) {
  TempDir dir;
  const std::string socket = dir.File("bare.sock");
  const int pid = ::nitro_attest::testing::StartProcess(
      {Tool("nsm-emulator"), "--listen", socket}, "/dev/null");
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 2000 && !std::filesystem::exists(socket); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(std::filesystem::exists(socket));
  EXPECT_EQ(App({"--emulator", "unix:" + socket, "random", "8"}).exit_code, 0);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(EnclaveAppCliTest, UnknownCommandIsNamed) {
  const ProcessResult r = App({"atest"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("\"atest\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nitro_attest
