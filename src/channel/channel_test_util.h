// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Test helpers for sockets: a private temporary directory for Unix sockets, descriptor and
// thread counts (leak checks), raw writes that bypass the framing.
#ifndef NITRO_ATTEST_SRC_CHANNEL_CHANNEL_TEST_UTIL_H_
#define NITRO_ATTEST_SRC_CHANNEL_CHANNEL_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>

#include "nitro_attest/channel.h"
#include "src/channel/internal.h"

namespace nitro_attest::testing {

// TempSocketDir is a fresh directory under /tmp, removed with its contents at scope end.
class TempSocketDir {
 public:
  TempSocketDir() {
    std::string tmpl = "/tmp/na-chan-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
    }
    path_ = tmpl;
  }
  ~TempSocketDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  // Address returns "unix:<dir>/<name>", parsed.
  Address UnixAddress(const std::string& name) const {
    Address a;
    a.family = Address::Family::kUnix;
    a.path = (path_ / name).string();
    return a;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline size_t CountEntries(const char* dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
    ++n;
  }
  return n;
}
// OpenFdCount returns the number of open descriptors of this process.
inline size_t OpenFdCount() { return CountEntries("/proc/self/fd"); }
// ThreadCount returns the number of threads of this process.
inline size_t ThreadCount() { return CountEntries("/proc/self/task"); }

// SendRaw writes bytes to a connection's socket without framing; returns false on failure.
inline bool SendRaw(const Connection& conn, std::span<const uint8_t> bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t r =
        send(ChannelAccess::Fd(conn), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (r <= 0) {
      return false;
    }
    sent += static_cast<size_t>(r);
  }
  return true;
}

// Loopback returns tcp:127.0.0.1:0 (port chosen when binding).
inline Address Loopback(const char* host = "127.0.0.1") {
  Address a;
  a.family = Address::Family::kTcp;
  a.host = host;
  return a;
}

}  // namespace nitro_attest::testing

#endif  // NITRO_ATTEST_SRC_CHANNEL_CHANNEL_TEST_UTIL_H_
