// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The nsm-emulator socket server: channel framing, one NSM answer per request frame.
#include <utility>

#include "nitro_attest/channel.h"
#include "nitro_attest/emulator.h"

namespace nitro_attest {

Result<std::unique_ptr<Server>> ServeNsmEmulator(std::shared_ptr<NsmTransport> nsm,
                                                 const std::string& socket_path) {
  if (nsm == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "no NSM to serve");
  }
  Address address;
  address.family = Address::Family::kUnix;
  address.path = socket_path;
  NA_ASSIGN_OR_RETURN(Listener listener, Listener::Bind(address));
  ServerOptions options;
  options.channel = NsmEmulatorChannelOptions();
  // A few clients at once; a client that stalls holds one worker only until its I/O timeout or
  // the connection deadline.
  options.workers = 4;
  return Server::Start(std::move(listener), options, [nsm](Connection& conn) -> Status {
    // Requests until the client hangs up; the NSM state outlives every connection.
    while (true) {
      NA_ASSIGN_OR_RETURN(const Bytes request, conn.Receive());
      NA_ASSIGN_OR_RETURN(const Bytes response, nsm->Call(request));
      NA_TRY(conn.Send(response));
    }
  });
}

}  // namespace nitro_attest
