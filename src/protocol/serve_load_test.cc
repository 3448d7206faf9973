// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The enclave's challenge server under load and abuse (issue 5), on loopback only and bounded in
// count: many concurrent well-behaved parents mixed with hostile peers (garbage, oversize
// lengths, slow drip, connect-and-vanish). Every well-behaved parent must get a verified
// document (and its secret acknowledged), the server must still serve afterwards, and its
// memory high-water mark (VmHWM) must stay within a fixed bound of the baseline measured before
// the abuse. The server runs in this process, as enclave_app's serve command runs it: a Server
// whose handler is ServeChallenge over the emulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nitro_attest/channel.h"
#include "nitro_attest/emulator.h"
#include "nitro_attest/protocol.h"
#include "src/channel/channel_test_util.h"
#include "src/protocol/messages.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::IsOk;
using std::chrono::milliseconds;

constexpr size_t kWorkers = 4;
constexpr int kGoodClients = 32;
constexpr int kEachHostileKind = 6;

// The allowed growth of VmHWM over the baseline. The server holds at most one frame (64 KiB)
// per worker; an unbounded reader would allocate the announced 2-4 GiB at once. ASan keeps
// freed memory in quarantine (256 MiB by default), so its bound is looser but still far below
// one announced frame.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kMaxGrowthKb = 512 * 1024;
#else
constexpr long kMaxGrowthKb = 96 * 1024;
#endif

// VmHwmKb returns this process's peak resident set in kB, from /proc/self/status.
long VmHwmKb() {
  std::ifstream status("/proc/self/status");
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

// DrainUntilClosed reads what the server sends until it closes (bounded by the io timeout).
void DrainUntilClosed(Connection& conn) {
  for (int i = 0; i < 4 && conn.Receive().has_value(); ++i) {
  }
}

class ServeLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emulator = NsmEmulator::Create();
    ASSERT_THAT(emulator, IsOk());
    emulator_ = std::move(emulator).value();
    root_ = emulator_->RootDer();
    nsm_ = std::make_unique<NsmClient>(emulator_->NewHandle());
    attest_ = NsmAttester(*nsm_, &nsm_mutex_);
    ServerOptions so;
    so.workers = kWorkers;
    so.connection_deadline = milliseconds(1500);
    so.channel.io_timeout = milliseconds(1000);
    auto listener = Listener::Bind(::nitro_attest::testing::Loopback());
    ASSERT_THAT(listener, IsOk());
    auto server = Server::Start(std::move(listener).value(), so, [this](Connection& c) -> Status {
      Result<EnclaveSession> session = ServeChallenge(c, attest_);
      if (!session) {
        return std::move(session).error();
      }
      return {};
    });
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
  }

  ChannelOptions ClientChannel() const {
    ChannelOptions o;
    // Generous: a parent may wait behind slow-drip peers that hold every worker until their
    // connection deadline. A bound, not a timing assertion.
    o.connect_timeout = milliseconds(30000);
    o.io_timeout = milliseconds(30000);
    return o;
  }

  // GoodClient runs one parent session; with a secret on odd ids.
  Status GoodClient(int id) {
    NA_ASSIGN_OR_RETURN(Connection conn, Connect(server_->address(), ClientChannel()));
    ChallengeOptions options;
    options.policy.root_der = root_;
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

  Result<Connection> Raw() {
    ChannelOptions o = ClientChannel();
    o.io_timeout = milliseconds(5000);
    return Connect(server_->address(), o);
  }

  void Garbage(int id) {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    Bytes junk(200, static_cast<uint8_t>(0x5a + id));
    if (id % 2 == 0) {
      ::nitro_attest::testing::SendRaw(*conn, Frame(junk, static_cast<uint32_t>(junk.size())));
    } else {
      ::nitro_attest::testing::SendRaw(*conn, junk);  // not even a frame
    }
    DrainUntilClosed(*conn);
  }

  void Oversize(int id) {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    const uint32_t announced = id % 2 == 0 ? 0xffffffffu : 0x7fffffffu;
    ::nitro_attest::testing::SendRaw(*conn, Frame(Bytes(1024, 0x01), announced));
    DrainUntilClosed(*conn);
  }

  // SlowDrip sends a valid challenge frame a byte at a time, slower than the connection
  // deadline allows; bounded by the frame's size.
  void SlowDrip(int id) {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    const Bytes message = protocol::EncodeMessage(protocol::ChallengeMsg{Bytes(32, 0x11), {}});
    const Bytes frame = Frame(message, static_cast<uint32_t>(message.size()));
    for (size_t i = 0; i < frame.size(); ++i) {
      if (!::nitro_attest::testing::SendRaw(*conn, std::span<const uint8_t>(&frame[i], 1))) {
        break;  // the server cut us off
      }
      std::this_thread::sleep_for(milliseconds(100 + 10 * id));
    }
  }

  // Vanish connects and leaves: at once, after half a header, or after announcing a full-size
  // frame.
  void Vanish(int id) {
    auto conn = Raw();
    if (!conn) {
      return;
    }
    if (id % 3 == 1) {
      ::nitro_attest::testing::SendRaw(*conn, Bytes{0x00, 0x00});
    } else if (id % 3 == 2) {
      ::nitro_attest::testing::SendRaw(*conn, Frame(Bytes(100, 0x02), kDefaultMaxFrameSize));
    }
  }

  std::unique_ptr<NsmEmulator> emulator_;
  Bytes root_;
  std::unique_ptr<NsmClient> nsm_;
  std::mutex nsm_mutex_;
  Attester attest_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServeLoadTest, WellBehavedClientsAreServedWhileHostileOnesAreCut) {
  // Baseline: a few sessions alone, so the steady-state allocations are counted before the peak.
  for (int i = 0; i < 4; ++i) {
    ASSERT_THAT(GoodClient(i), IsOk());
  }
  const long baseline_kb = VmHwmKb();
  ASSERT_GT(baseline_kb, 0);
  const size_t baseline_fds = ::nitro_attest::testing::OpenFdCount();

  std::vector<Status> results(kGoodClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGoodClients; ++i) {
    Status* slot = &results[static_cast<size_t>(i)];
    threads.emplace_back([this, i, slot] { *slot = GoodClient(i); });
    const int h = i % kEachHostileKind;
    if (i < kEachHostileKind) {
      threads.emplace_back([this, h] { Garbage(h); });
      threads.emplace_back([this, h] { Oversize(h); });
      threads.emplace_back([this, h] { SlowDrip(h); });
      threads.emplace_back([this, h] { Vanish(h); });
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

  const long peak_kb = VmHwmKb();
  EXPECT_LT(peak_kb - baseline_kb, kMaxGrowthKb)
      << "VmHWM grew from " << baseline_kb << " kB to " << peak_kb << " kB";
  const Server::Stats stats = server_->stats();
  EXPECT_GE(stats.accepted, static_cast<uint64_t>(4 + kGoodClients + 4 * kEachHostileKind + 1));
  EXPECT_GE(stats.succeeded, static_cast<uint64_t>(4 + kGoodClients + 1));
  EXPECT_GE(stats.failed, static_cast<uint64_t>(3 * kEachHostileKind));
  server_->Shutdown();
  // Every descriptor the sessions opened is closed again.
  EXPECT_LE(::nitro_attest::testing::OpenFdCount(), baseline_fds);
}

}  // namespace
}  // namespace nitro_attest
