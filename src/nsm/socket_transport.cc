// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The client side of the nsm-emulator socket: one connection, one frame out and one frame in
// per Call.
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "nitro_attest/nsm.h"
#include "src/common/unique_fd.h"
#include "src/nsm/frame.h"

namespace nitro_attest {
namespace {

class SocketTransport final : public NsmTransport {
 public:
  explicit SocketTransport(UniqueFd fd) : fd_(std::move(fd)) {}

  Result<Bytes> Call(std::span<const uint8_t> request) override {
    if (!fd_.valid()) {
      return MakeError(ErrorCode::kTransportError, "connection to nsm-emulator already failed");
    }
    auto response = [&]() -> Result<Bytes> {
      NA_TRY(nsm::WriteFrame(fd_.get(), request));
      return nsm::ReadFrame(fd_.get());
    }();
    if (!response) {
      // After a failed exchange the stream is out of step; never reuse it.
      fd_.Reset();
    }
    return response;
  }

 private:
  UniqueFd fd_;
};

}  // namespace

Result<std::unique_ptr<NsmTransport>> ConnectNsmEmulator(const std::string& path) {
  NA_ASSIGN_OR_RETURN(const sockaddr_un addr, nsm::MakeUnixAddress(path));
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return MakeError(ErrorCode::kTransportError, std::string("socket: ") + std::strerror(errno));
  }
  NA_TRY(nsm::SetSocketTimeouts(fd.get(), nsm::kDefaultIoTimeout));
  int rc = 0;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    return MakeError(ErrorCode::kTransportError,
                     "cannot connect to nsm-emulator at " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<NsmTransport>(std::make_unique<SocketTransport>(std::move(fd)));
}

}  // namespace nitro_attest
