// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// What the parent and enclave sessions share: sending, aborting and expecting messages.
#ifndef NITRO_ATTEST_SRC_PROTOCOL_SESSION_H_
#define NITRO_ATTEST_SRC_PROTOCOL_SESSION_H_

#include <string>
#include <variant>

#include "nitro_attest/channel.h"
#include "src/protocol/messages.h"

namespace nitro_attest::protocol {

// SendMessage encodes and sends one message.
inline Status SendMessage(Connection& conn, const Message& m) {
  return conn.Send(EncodeMessage(m));
}

// Abort tells the peer why the session ends, by the error's code (best effort: the session
// failed already), and returns the error. On the parent's side, nothing else is ever sent after
// it: no secret leaves.
inline Error Abort(Connection& conn, Error error) {
  (void)SendMessage(conn, AbortMsg{error.code});
  return error;
}

// As requires a decoded message to be a T; an abort from the peer ends the session with
// kProtocolError naming its code (never more of what the peer sent).
template <class T>
Result<T> As(Message m) {
  if (const auto* abort = std::get_if<AbortMsg>(&m)) {
    return MakeError(ErrorCode::kProtocolError, "peer aborted: " + CodeText(abort->code));
  }
  if (!std::holds_alternative<T>(m)) {
    return MakeError(ErrorCode::kProtocolError,
                     std::string("unexpected message \"") + TypeName(m) + "\"");
  }
  return std::get<T>(std::move(m));
}

// Expect receives the next message and requires type T (As).
template <class T>
Result<T> Expect(Connection& conn) {
  NA_ASSIGN_OR_RETURN(const Bytes frame, conn.Receive());
  NA_ASSIGN_OR_RETURN(Message m, DecodeMessage(frame));
  return As<T>(std::move(m));
}

}  // namespace nitro_attest::protocol

#endif  // NITRO_ATTEST_SRC_PROTOCOL_SESSION_H_
