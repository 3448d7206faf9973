// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The HTTP/1.1 a KMS call needs (one POST, one JSON answer, keep-alive), over TLS on any byte
// stream our channel can open (vsock, unix, tcp). Hand-written rather than libcurl: see
// docs/design.md ("KMS transport"). The message parser is strict, bounded and shared by the
// client (responses) and the KMS test service (requests).
#ifndef NITRO_ATTEST_SRC_KMS_HTTP_H_
#define NITRO_ATTEST_SRC_KMS_HTTP_H_

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/result.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::http {

using Header = std::pair<std::string, std::string>;
using Deadline = std::chrono::steady_clock::time_point;

// Message is one request (method, target) or response (status, reason) with headers and body.
struct Message {
  std::string method, target;
  int status = 0;
  std::string reason;
  std::vector<Header> headers;
  Bytes body;
  // Find returns the value of the first header named `name` (case-insensitive), or nullptr.
  const std::string* Find(std::string_view name) const;
};

enum class Kind { kRequest, kResponse };

// Limits bound what the parser accepts.
struct Limits {
  size_t max_head = 16 * 1024;   // request/status line and headers
  size_t max_headers = 64;
  size_t max_body = 256 * 1024;
};

// Parse reads one message from the start of `data`. Returns nullopt when the message is not
// complete yet (more bytes may follow; with `eof` a close-delimited response body ends there),
// the message and in *consumed its length, or kTransportError when the bytes are not HTTP/1.1
// within the limits (CRLF line ends, token header names, one Content-Length, chunked or
// Content-Length but not both, bounded sizes).
Result<std::optional<Message>> Parse(std::span<const uint8_t> data, Kind kind, const Limits& limits,
                                     bool eof, size_t* consumed);

// Serialize writes a request (kind kRequest: method, target) or response with the headers as
// given, and a Content-Length for the body unless the headers carry one.
Bytes Serialize(const Message& message, Kind kind);

// ReasonPhrase returns the standard phrase for the statuses the test service uses.
std::string_view ReasonPhrase(int status);

using SslCtxPtr = std::unique_ptr<SSL_CTX, ossl::Deleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, ossl::Deleter<SSL_free>>;

// ClientContext returns a TLS 1.2+ client context that verifies peers against `ca_file` (PEM)
// or, when empty, the system store. kIoError when the CA file cannot be loaded.
Result<SslCtxPtr> ClientContext(const std::string& ca_file);
// ServerContext returns a TLS 1.2+ server context with a PEM certificate (chain) and key.
Result<SslCtxPtr> ServerContext(std::string_view cert_pem, std::string_view key_pem);

// TlsStream is one TLS connection over a connected stream socket. Every wait is bounded by a
// deadline (kTransportError past it). Not thread-safe.
class TlsStream {
 public:
  // Connect opens `via`, then TLS with SNI and certificate name check for `host`.
  static Result<std::unique_ptr<TlsStream>> Connect(SSL_CTX* ctx, const Address& via,
                                                    const std::string& host,
                                                    std::chrono::milliseconds connect_timeout,
                                                    Deadline deadline);
  // Accept runs the server handshake on `conn` (which must outlive the stream).
  static Result<std::unique_ptr<TlsStream>> Accept(SSL_CTX* ctx, Connection& conn,
                                                   Deadline deadline);
  ~TlsStream();
  Status WriteAll(std::span<const uint8_t> data, Deadline deadline);
  // ReadSome reads what is available (at least one byte), or 0 at the peer's close.
  Result<size_t> ReadSome(std::span<uint8_t> out, Deadline deadline);
  // ReadMessage reads one message; bytes past it stay buffered for the next.
  Result<Message> ReadMessage(Kind kind, const Limits& limits, Deadline deadline);
  // Reusable reports, without waiting, that the peer has neither closed nor sent anything
  // unasked, so another request may go on this connection.
  bool Reusable() const;

 private:
  TlsStream() = default;
  Status Wait(int ssl_result, const char* what, Deadline deadline);
  std::optional<Connection> owned_;  // client side: the socket
  int fd_ = -1;
  int cancel_fd_ = -1;
  SslPtr ssl_;
  Bytes buffered_;
  bool failed_ = false;
};

}  // namespace nitro_attest::http

#endif  // NITRO_ATTEST_SRC_KMS_HTTP_H_
