// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/nsm/frame.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "src/common/byte_reader.h"

namespace nitro_attest::nsm {
namespace {

Error TransportErrno(const char* what, int err) {
  return MakeError(ErrorCode::kTransportError,
                   std::string(what) + ": " + std::strerror(err) + " (errno " + std::to_string(err) + ")");
}

Status SendAll(int fd, std::span<const uint8_t> data) {
  while (!data.empty()) {
    // MSG_NOSIGNAL: a vanished peer is an error to report, not a SIGPIPE.
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return TransportErrno("send", errno);
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return {};
}

Status RecvAll(int fd, std::span<uint8_t> out) {
  while (!out.empty()) {
    const ssize_t n = ::recv(fd, out.data(), out.size(), 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return TransportErrno("recv", errno);
    }
    if (n == 0) {
      return MakeError(ErrorCode::kTransportError, "peer closed the connection mid-frame");
    }
    out = out.subspan(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

std::array<uint8_t, kFrameHeaderSize> EncodeFrameHeader(uint32_t size) {
  return {static_cast<uint8_t>(size >> 24), static_cast<uint8_t>(size >> 16),
          static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)};
}

Status WriteFrame(int fd, std::span<const uint8_t> body) {
  if (body.size() > kMaxFrameSize) {
    return MakeError(ErrorCode::kTransportError, "frame body too large");
  }
  const auto header = EncodeFrameHeader(static_cast<uint32_t>(body.size()));
  NA_TRY(SendAll(fd, header));
  return SendAll(fd, body);
}

Result<Bytes> ReadFrame(int fd) {
  std::array<uint8_t, kFrameHeaderSize> header{};
  NA_TRY(RecvAll(fd, header));
  ByteReader r(header);
  uint64_t size = 0;
  r.ReadBigEndian(kFrameHeaderSize, &size);
  if (size > kMaxFrameSize) {
    return MakeError(ErrorCode::kTransportError, "frame of " + std::to_string(size) + " bytes exceeds the limit");
  }
  Bytes body(static_cast<size_t>(size));
  NA_TRY(RecvAll(fd, body));
  return body;
}

Status SetSocketTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
    return TransportErrno("setsockopt", errno);
  }
  return {};
}

Result<sockaddr_un> MakeUnixAddress(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Unix socket path must be 1.." + std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

}  // namespace nitro_attest::nsm
