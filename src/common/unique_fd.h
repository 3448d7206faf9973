// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// UniqueFd: owns one file descriptor and closes it once.
#ifndef NITRO_ATTEST_SRC_COMMON_UNIQUE_FD_H_
#define NITRO_ATTEST_SRC_COMMON_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace nitro_attest {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset(std::exchange(other.fd_, -1));
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Reset closes the owned descriptor (close errors are not actionable here) and takes `fd`.
  void Reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_SRC_COMMON_UNIQUE_FD_H_
