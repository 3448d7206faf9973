// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// frame.h: the nsm-emulator socket protocol. Each message is one frame: a 4-byte big-endian
// length, then that many bytes (one NSM request, or one NSM response). One response per
// request, in order, on a Unix stream socket.
#ifndef NITRO_ATTEST_SRC_NSM_FRAME_H_
#define NITRO_ATTEST_SRC_NSM_FRAME_H_

#include <sys/socket.h>
#include <sys/un.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "nitro_attest/document.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/result.h"

namespace nitro_attest::nsm {

// kMaxFrameSize bounds a frame's body in both directions: an NSM response is at most 0x3000
// bytes; the small margin lets the emulator receive (and refuse with InputTooLarge, as the NSM
// does) requests somewhat above the 0x1000 request limit.
inline constexpr size_t kMaxFrameSize = kNsmResponseMaxSize + 256;
inline constexpr size_t kFrameHeaderSize = 4;

// kDefaultIoTimeout bounds each blocking send or receive on the socket.
inline constexpr std::chrono::milliseconds kDefaultIoTimeout{10000};

// EncodeFrameHeader returns the 4-byte big-endian length prefix of a `size`-byte body.
std::array<uint8_t, kFrameHeaderSize> EncodeFrameHeader(uint32_t size);

// WriteFrame sends one frame on a blocking socket. Returns kTransportError on failure.
Status WriteFrame(int fd, std::span<const uint8_t> body);

// ReadFrame receives one frame from a blocking socket (its SO_RCVTIMEO bounds each wait).
// Returns kTransportError on timeout, a closed peer, a truncated frame or a body above
// kMaxFrameSize.
Result<Bytes> ReadFrame(int fd);

// SetSocketTimeouts sets SO_RCVTIMEO and SO_SNDTIMEO.
Status SetSocketTimeouts(int fd, std::chrono::milliseconds timeout);

// MakeUnixAddress returns the socket address of `path`, or kInvalidArgument when it is empty
// or does not fit sockaddr_un.
Result<sockaddr_un> MakeUnixAddress(const std::string& path);

}  // namespace nitro_attest::nsm

#endif  // NITRO_ATTEST_SRC_NSM_FRAME_H_
