// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Secrets leave no copy in freed memory (issue 13 item 13), watched on the C++ heap by
// nitro_attest_alloc_tests: every block freed during the test is searched for the secret.
// (OpenSSL's own buffers are its business: it cleanses keys and cipher state itself.)
#include <gtest/gtest.h>

#include <thread>

#include "nitro_attest/emulator.h"
#include "nitro_attest/protocol.h"
#include "nitro_attest/secret.h"
#include "src/channel/channel_test_util.h"
#include "testing/alloc_probe.h"
#include "testing/matchers.h"

namespace nitro_attest {
namespace {

using ::nitro_attest::testing::AllocationProbe;
using ::nitro_attest::testing::IsOk;
using ::nitro_attest::testing::TempSocketDir;
using std::chrono::milliseconds;

// kPattern is the secret: 48 bytes that appear nowhere else.
constexpr uint8_t kPattern[48] = {
    0xc3, 0x5e, 0x71, 0x0a, 0x9d, 0x42, 0xe8, 0x17, 0x6b, 0xf0, 0x24, 0x8c, 0x53, 0xaa, 0x19, 0xd6,
    0x3f, 0x87, 0x60, 0xbe, 0x05, 0xe1, 0x7c, 0x92, 0x4d, 0xfa, 0x36, 0x0f, 0xc8, 0x21, 0x9b, 0x74,
    0xe3, 0x58, 0x1d, 0xa6, 0x8f, 0x02, 0x6e, 0xd9, 0x47, 0xb3, 0x2c, 0x95, 0x70, 0x1e, 0xcb, 0x66};

TEST(SecretWipeTest, TheProbeSeesAPlainVectorsCopies) {
  AllocationProbe probe(kPattern);
  {
    Bytes plain;
    for (const uint8_t b : kPattern) {
      plain.push_back(b);
    }
    plain.insert(plain.end(), 1000, 0);  // grows: the old block, holding the secret, is freed
  }
  EXPECT_GE(probe.freed_with_pattern(), 1u);
}

TEST(SecretWipeTest, SecretBytesLeaveNoCopyWhenTheyGrowOrGo) {
  AllocationProbe probe(kPattern);
  {
    SecretBytes secret;
    for (const uint8_t b : kPattern) {
      secret.push_back(b);
    }
    secret.insert(secret.end(), 1000, 0);
    SecretBytes copy = secret;
    copy.shrink_to_fit();
  }
  EXPECT_GT(probe.count(), 0u);
  EXPECT_EQ(probe.freed_with_pattern(), 0u);
}

TEST(SecretWipeTest, AWholeSessionLeavesNoCopyOnEitherSide) {
  NsmEmulatorOptions eo;
  eo.seed = "secret-wipe-test";
  auto emulator = NsmEmulator::Create(eo);
  ASSERT_THAT(emulator, IsOk());
  NsmClient nsm((*emulator)->NewHandle());
  TempSocketDir dir;
  Result<Listener> listener = Listener::Bind(dir.UnixAddress("s.sock"));
  ASSERT_THAT(listener, IsOk());
  const Bytes root = (*emulator)->RootDer();

  std::optional<Result<EnclaveSession>> served;
  bool opened = false;
  {
    AllocationProbe probe(kPattern);
    std::thread enclave([&] {
      Result<Connection> c = listener->Accept(milliseconds(10000));
      if (!c) {
        return;
      }
      served.emplace(ServeChallenge(*c, NsmAttester(nsm)));
      if (*served && (**served).secret) {
        opened = std::equal((**served).secret->begin(), (**served).secret->end(),
                            std::begin(kPattern), std::end(kPattern));
      }
      served.reset();  // the enclave is done with the secret
    });
    ChallengeOptions options;
    options.policy.roots = {root};
    options.policy.allow_any_image = true;
    options.secret = SecretBytes(std::begin(kPattern), std::end(kPattern));
    Result<Connection> conn = Connect(listener->address());
    ASSERT_THAT(conn, IsOk());
    const Result<ChallengeResult> result = RunChallenge(*conn, options);
    enclave.join();
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->secret_state, SecretState::kAcknowledged);
    options.secret.reset();  // the parent is done with it too
    EXPECT_TRUE(opened);
    EXPECT_EQ(probe.freed_with_pattern(), 0u);
  }
}

}  // namespace
}  // namespace nitro_attest
