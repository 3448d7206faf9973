// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// `enclave_app serve` under load and abuse (issue 5), on a Unix socket and bounded in count:
// many concurrent well-behaved parents mixed with hostile peers (garbage, oversize lengths,
// slow drip, connect-and-vanish). Every well-behaved parent must get a verified document (and
// its secret acknowledged), the server must still serve afterwards and stop cleanly, and its
// memory high-water mark (VmHWM of the server process) must stay within a fixed bound of the
// baseline measured after a few sessions and before the abuse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/protocol.h"
#include "src/channel/channel_test_util.h"
#include "src/protocol/messages.h"
#include "testing/matchers.h"
#include "testing/process.h"
#include "testing/test_util.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::IsOk;
using std::chrono::milliseconds;

constexpr int kWorkers = 4;
constexpr int kGoodClients = 32;
constexpr int kEachHostileKind = 6;
constexpr int kSessionTimeoutMs = 1500;

// The allowed growth of the server's VmHWM over the baseline. The server buffers at most one
// frame (64 KiB) per worker; a reader that trusted the announced length would allocate 2-4 GiB
// at once. ASan keeps freed memory in quarantine (256 MiB by default), so its bound is looser,
// still far below one announced frame.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kMaxGrowthKb = 512 * 1024;
#else
constexpr long kMaxGrowthKb = 64 * 1024;
#endif

// VmHwmKb returns a process's peak resident set in kB, or -1.
long VmHwmKb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

Bytes Frame(std::span<const uint8_t> body, uint32_t announced) {
  Bytes out;
  out.reserve(4 + body.size());
  out.push_back(static_cast<uint8_t>(announced >> 24));
  out.push_back(static_cast<uint8_t>(announced >> 16));
  out.push_back(static_cast<uint8_t>(announced >> 8));
  out.push_back(static_cast<uint8_t>(announced));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// DrainUntilClosed reads what the server sends until it closes (bounded by the I/O timeout).
void DrainUntilClosed(Connection& conn) {
  for (int i = 0; i < 4 && conn.Receive().has_value(); ++i) {
  }
}

class ServeAbuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = (dir_.path() / "enclave.sock").string();
    root_pem_ = (dir_.path() / "root.pem").string();
    const std::vector<std::string> argv = {::nitro_attest::testing::Tool("enclave_app"),
                                           "--emulate",
                                           "--emulate-root-out",
                                           root_pem_,
                                           "serve",
                                           "--listen",
                                           "unix:" + socket_,
                                           "--workers",
                                           std::to_string(kWorkers),
                                           "--session-timeout",
                                           std::to_string(kSessionTimeoutMs)};
    const std::string log = (dir_.path() / "serve.log").string();
    // The server logs one line per session; keep it out of the test's output.
    pid_ = ::nitro_attest::testing::StartProcess(argv, log);
    ASSERT_GT(pid_, 0);
    // Ready once the socket exists (bounded: 30 s, the ASan build starts slowly).
    for (int i = 0; i < 600 && !std::filesystem::exists(socket_); ++i) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    ASSERT_TRUE(std::filesystem::exists(socket_)) << "enclave_app serve did not start";
    const Bytes pem = ::nitro_attest::testing::ReadFileBytes(root_pem_);
    auto root = PemCertificateToDer(pem);
    ASSERT_THAT(root, IsOk());
    root_ = *root;
    address_.family = Address::Family::kUnix;
    address_.path = socket_;
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);  // only if the test did not stop it already
      waitpid(pid_, nullptr, 0);
    }
  }

  // Stop sends SIGTERM and returns the exit code (bounded: 20 s, then SIGKILL and -1).
  int Stop() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 400; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    return -1;
  }

  ChannelOptions ClientChannel() const {
    ChannelOptions o;
    // Generous: a parent may wait behind slow-drip peers that hold every worker until their
    // session timeout. A bound, not a timing assertion.
    o.connect_timeout = milliseconds(30000);
    o.io_timeout = milliseconds(30000);
    return o;
  }

  // GoodClient runs one parent session, sending a secret on odd ids.
  Status GoodClient(int id) const {
    NA_ASSIGN_OR_RETURN(Connection conn, Connect(address_, ClientChannel()));
    ChallengeOptions options;
    options.policy.roots = {root_};
    options.policy.allow_any_image = true;
    options.user_data = Bytes{static_cast<uint8_t>(id)};
    if (id % 2 == 1) {
      options.secret = Bytes(64, static_cast<uint8_t>(id));
    }
    NA_ASSIGN_OR_RETURN(ChallengeResult result, RunChallenge(conn, options));
    if (result.verified.document().user_data != options.user_data ||
        result.secret_acknowledged != options.secret.has_value()) {
      return MakeError(ErrorCode::kInternal, "session result does not match what was asked");
    }
    return {};
  }

  Result<Connection> Raw() const {
    ChannelOptions o = ClientChannel();
    o.io_timeout = milliseconds(5000);
    return Connect(address_, o);
  }

  void Garbage(int id) const {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    const Bytes junk(200, static_cast<uint8_t>(0x5a + id));
    if (id % 2 == 0) {
      ::nitro_attest::testing::SendRaw(*conn, Frame(junk, static_cast<uint32_t>(junk.size())));
    } else {
      ::nitro_attest::testing::SendRaw(*conn, junk);  // not even a frame
    }
    DrainUntilClosed(*conn);
  }

  void Oversize(int id) const {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    const uint32_t announced = id % 2 == 0 ? 0xffffffffu : 0x7fffffffu;
    ::nitro_attest::testing::SendRaw(*conn, Frame(Bytes(1024, 0x01), announced));
    DrainUntilClosed(*conn);
  }

  // SlowDrip sends a valid challenge frame a byte at a time, slower than the session timeout
  // allows; bounded by the frame's size.
  void SlowDrip(int id) const {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    const Bytes message = protocol::EncodeMessage(protocol::ChallengeMsg{Bytes(32, 0x11), {}});
    const Bytes frame = Frame(message, static_cast<uint32_t>(message.size()));
    for (const uint8_t byte : frame) {
      if (!::nitro_attest::testing::SendRaw(*conn, std::span<const uint8_t>(&byte, 1))) {
        break;  // the server cut us off
      }
      std::this_thread::sleep_for(milliseconds(100 + 10 * id));
    }
  }

  // Vanish connects and leaves: at once, after half a header, or after announcing a full-size
  // frame.
  void Vanish(int id) const {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    if (id % 3 == 1) {
      ::nitro_attest::testing::SendRaw(*conn, Bytes{0x00, 0x00});
    } else if (id % 3 == 2) {
      ::nitro_attest::testing::SendRaw(
          *conn, Frame(Bytes(100, 0x02), static_cast<uint32_t>(kDefaultMaxFrameSize)));
    }
  }

  ::nitro_attest::testing::TempSocketDir dir_;
  std::string socket_, root_pem_;
  Address address_;
  Bytes root_;
  pid_t pid_ = -1;
};

TEST_F(ServeAbuseTest, WellBehavedClientsAreServedWhileHostileOnesAreCut) {
  // Baseline: a few sessions alone, so the steady-state allocations are in before the peak.
  for (int i = 0; i < kWorkers; ++i) {
    ASSERT_THAT(GoodClient(i), IsOk());
  }
  const long baseline_kb = VmHwmKb(pid_);
  ASSERT_GT(baseline_kb, 0);

  std::vector<Status> results(kGoodClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGoodClients; ++i) {
    Status* slot = &results[static_cast<size_t>(i)];
    threads.emplace_back([this, i, slot] { *slot = GoodClient(i); });
    if (i < kEachHostileKind) {
      threads.emplace_back([this, i] { Garbage(i); });
      threads.emplace_back([this, i] { Oversize(i); });
      threads.emplace_back([this, i] { SlowDrip(i); });
      threads.emplace_back([this, i] { Vanish(i); });
    }
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_THAT(results[i], IsOk()) << "client " << i;
  }
  // Still serving after the abuse.
  EXPECT_THAT(GoodClient(99), IsOk());

  const long peak_kb = VmHwmKb(pid_);
  EXPECT_LT(peak_kb - baseline_kb, kMaxGrowthKb)
      << "server VmHWM grew from " << baseline_kb << " kB to " << peak_kb << " kB";
  RecordProperty("server_vmhwm_baseline_kb", std::to_string(baseline_kb));
  RecordProperty("server_vmhwm_peak_kb", std::to_string(peak_kb));
  std::printf("server VmHWM: baseline %ld kB, after abuse %ld kB\n", baseline_kb, peak_kb);
  EXPECT_EQ(Stop(), 0);
}

}  // namespace
}  // namespace nitro_attest
