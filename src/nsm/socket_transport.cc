// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The client side of the nsm-emulator socket: one channel connection (channel.h framing), one
// frame out and one frame in per Call, reconnecting when the emulator has dropped it.
#include <utility>

#include "nitro_attest/channel.h"
#include "nitro_attest/emulator.h"
#include "nitro_attest/nsm.h"

namespace nitro_attest {
namespace {

class SocketTransport final : public NsmTransport {
 public:
  SocketTransport(Address address, Connection connection)
      : address_(std::move(address)), connection_(std::move(connection)) {}

  Result<Bytes> Call(std::span<const uint8_t> request) override {
    // A connection the emulator has closed (it drops idle ones) or that failed an exchange is
    // replaced before sending, never after: a request is sent at most once, so an ExtendPCR
    // is never applied twice.
    if (broken_ || connection_.PeerClosed()) {
      NA_ASSIGN_OR_RETURN(connection_, Connect(address_, NsmEmulatorChannelOptions()));
      broken_ = false;
    }
    auto response = [&]() -> Result<Bytes> {
      NA_TRY(connection_.Send(request));
      return connection_.Receive();
    }();
    // After a failed exchange the stream is out of step; the next call starts a new one.
    broken_ = !response.has_value();
    return response;
  }

 private:
  Address address_;
  Connection connection_;
  bool broken_ = false;
};

}  // namespace

ChannelOptions NsmEmulatorChannelOptions() {
  ChannelOptions options;
  // An NSM response is at most 0x3000 bytes; the margin lets the emulator receive (and refuse
  // with InputTooLarge, as the NSM does) requests somewhat above the 0x1000 limit.
  options.max_frame_size = kNsmResponseMaxSize + 256;
  return options;
}

Result<std::unique_ptr<NsmTransport>> ConnectNsmEmulator(const std::string& path) {
  Address address;
  address.family = Address::Family::kUnix;
  address.path = path;
  NA_ASSIGN_OR_RETURN(Connection connection, Connect(address, NsmEmulatorChannelOptions()));
  return std::unique_ptr<NsmTransport>(
      std::make_unique<SocketTransport>(std::move(address), std::move(connection)));
}

}  // namespace nitro_attest
