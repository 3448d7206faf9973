// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The channel's frame decoder (Connection::Receive on a real socket) and the protocol's message
// decoder. The input is what a hostile peer sends before hanging up. Invariants:
// - Receive yields exactly the frames a reference reading of the bytes finds (4-byte big-endian
//   length, 1..max_frame_size, body), in order, and fails with kTransportError where that
//   reading stops (end of input, truncated header or body, empty or oversize length);
// - every frame body, and the whole input, goes through DecodeMessage: a failure is
//   kProtocolError; an accepted message re-encodes to a message that decodes to the same
//   encoding, and has the input's size and its exact key/value pairs (the decoder accepts the
//   fields in any order, nothing else).
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "fuzz/fuzz.h"
#include "nitro_attest/channel.h"
#include "src/cbor/cbor.h"
#include "src/channel/internal.h"
#include "src/protocol/messages.h"

namespace nitro_attest::fuzz {
namespace {

// Inputs beyond this are cut: a socket pair buffers far more, so writing never blocks.
constexpr size_t kMaxInput = 48 * 1024;
// Small enough that the fuzzer reaches the oversize path with short inputs.
constexpr size_t kMaxFrame = 20 * 1024;

std::vector<std::span<const uint8_t>> SortedPairs(const cbor::Item& map) {
  std::vector<std::span<const uint8_t>> pairs;
  for (size_t i = 0; i < map.map_size(); ++i) {
    // A key's raw span and its value's are adjacent in the input: one span covers both.
    pairs.emplace_back(map.key(i).raw.data(), map.key(i).raw.size() + map.val(i).raw.size());
  }
  const auto less = [](std::span<const uint8_t> a, std::span<const uint8_t> b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  };
  std::sort(pairs.begin(), pairs.end(), less);
  return pairs;
}

void CheckMessage(std::span<const uint8_t> bytes) {
  const Result<protocol::Message> message = protocol::DecodeMessage(bytes);
  if (!message) {
    FUZZ_CHECK(message.error().code == ErrorCode::kProtocolError);
    return;
  }
  const Bytes canonical = protocol::EncodeMessage(*message);
  const Result<protocol::Message> again = protocol::DecodeMessage(canonical);
  FUZZ_CHECK(again && again->index() == message->index());
  FUZZ_CHECK(protocol::EncodeMessage(*again) == canonical);
  FUZZ_CHECK(canonical.size() == bytes.size());
  const Result<cbor::Item> in = cbor::Decode(bytes);
  const Result<cbor::Item> out = cbor::Decode(canonical);
  FUZZ_CHECK(in && out && in->is_map() && out->is_map());
  const auto a = SortedPairs(*in);
  const auto b = SortedPairs(*out);
  FUZZ_CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end(),
                        [](std::span<const uint8_t> x, std::span<const uint8_t> y) {
                          return std::equal(x.begin(), x.end(), y.begin(), y.end());
                        }));
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  data = data.first(std::min(data.size(), kMaxInput));
  CheckMessage(data);

  int fds[2] = {-1, -1};
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    std::abort();  // the environment, not the input: stop rather than skip silently
  }
  UniqueFd reader(fds[0]);
  {
    UniqueFd writer(fds[1]);
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = send(writer.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        std::abort();
      }
      sent += static_cast<size_t>(n);
    }
  }  // closing the writer is the peer hanging up
  ChannelOptions options;
  options.max_frame_size = kMaxFrame;
  options.io_timeout = std::chrono::milliseconds(1000);
  Connection conn = ChannelAccess::Make(std::move(reader), options, "fuzz");

  size_t pos = 0;
  while (true) {
    const Result<Bytes> frame = conn.Receive();
    const size_t left = data.size() - pos;
    uint32_t n = 0;
    if (left >= 4) {
      n = (uint32_t{data[pos]} << 24) | (uint32_t{data[pos + 1]} << 16) |
          (uint32_t{data[pos + 2]} << 8) | uint32_t{data[pos + 3]};
    }
    const bool complete = left >= 4 && n >= 1 && n <= kMaxFrame && left - 4 >= n;
    if (!complete) {
      FUZZ_CHECK(!frame && frame.error().code == ErrorCode::kTransportError);
      return;
    }
    FUZZ_CHECK(frame.has_value());
    const std::span<const uint8_t> body = data.subspan(pos + 4, n);
    FUZZ_CHECK(std::equal(frame->begin(), frame->end(), body.begin(), body.end()));
    CheckMessage(*frame);
    pos += 4 + n;
  }
}

}  // namespace nitro_attest::fuzz
