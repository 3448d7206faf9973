// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Internals of the channel: an owned descriptor, socket addresses per family, and access to
// Connection's private parts for the server and tests.
#ifndef NITRO_ATTEST_SRC_CHANNEL_INTERNAL_H_
#define NITRO_ATTEST_SRC_CHANNEL_INTERNAL_H_

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nitro_attest/channel.h"

namespace nitro_attest {

// UniqueFd owns one file descriptor and closes it once.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset(std::exchange(other.fd_, -1));
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);  // close(2) releases the descriptor even when it reports EINTR on Linux
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// SockAddr is one concrete socket address for socket(2), connect(2) and bind(2).
struct SockAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// ResolveAddress returns the socket addresses for `address`: one for vsock and Unix, those
// getaddrinfo finds for TCP (numeric port only; `passive` for binding). kInvalidArgument when
// the address cannot be expressed, kTransportError when resolution fails.
Result<std::vector<SockAddr>> ResolveAddress(const Address& address, bool passive);

// DescribeSockAddr formats a socket address in the address syntax, for logs.
std::string DescribeSockAddr(const sockaddr* addr, socklen_t length);

// ErrnoError returns kTransportError with `what` and strerror(err).
Error ErrnoError(const std::string& what, int err);

// ChannelAccess reaches Connection's private constructor and fields (server, tests).
struct ChannelAccess {
  static Connection Make(UniqueFd fd, const ChannelOptions& options, std::string peer) {
    return Connection(fd.release(), options, std::move(peer));
  }
  static void SetCancelFd(Connection& c, int fd) { c.cancel_fd_ = fd; }
  static int Fd(const Connection& c) { return c.fd_; }
  static int CancelFd(const Connection& c) { return c.cancel_fd_; }
  static std::optional<std::chrono::steady_clock::time_point> Deadline(const Connection& c) {
    return c.deadline_;
  }
};

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SRC_CHANNEL_INTERNAL_H_
