// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/kms/http.h"

#include <openssl/err.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "src/channel/internal.h"

namespace nitro_attest::http {
namespace {

using std::chrono::milliseconds;

Error Bad(const std::string& what) {
  return MakeError(ErrorCode::kTransportError, "HTTP: " + what);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// ReadLine returns the next CRLF-terminated line from data[*pos], or nullopt when no CRLF
// follows yet.
std::optional<std::string_view> ReadLine(std::string_view data, size_t* pos) {
  const size_t end = data.find("\r\n", *pos);
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view line = data.substr(*pos, end - *pos);
  *pos = end + 2;
  return line;
}

bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 15) {
    return false;
  }
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

Status ParseStartLine(std::string_view line, Kind kind, Message* m) {
  if (kind == Kind::kResponse) {
    // HTTP/1.1 200 OK
    if (line.size() < 12 || (line.substr(0, 9) != "HTTP/1.1 " && line.substr(0, 9) != "HTTP/1.0 ") ||
        (line.size() > 12 && line[12] != ' ')) {
      return Bad("not an HTTP/1.x status line");
    }
    uint64_t status = 0;
    if (!ParseDecimal(line.substr(9, 3), &status) || status < 100 || status > 599) {
      return Bad("bad status code");
    }
    m->status = static_cast<int>(status);
    m->reason = std::string(line.size() > 13 ? line.substr(13) : "");
    return {};
  }
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2 || line.substr(sp2 + 1) != "HTTP/1.1") {
    return Bad("not an HTTP/1.1 request line");
  }
  m->method = std::string(line.substr(0, sp1));
  m->target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (m->method.empty() || !std::all_of(m->method.begin(), m->method.end(), IsTokenChar) ||
      m->target.empty() || m->target.find(' ') != std::string::npos) {
    return Bad("bad request line");
  }
  return {};
}

}  // namespace

const std::string* Message::Find(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) {
      return &v;
    }
  }
  return nullptr;
}

Result<std::optional<Message>> Parse(std::span<const uint8_t> bytes, Kind kind,
                                     const Limits& limits, bool eof, size_t* consumed) {
  const std::string_view data(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (data.size() > limits.max_head) {
      return Bad("header section larger than " + std::to_string(limits.max_head) + " bytes");
    }
    if (eof) {
      return Bad(data.empty() ? "connection closed before a response" : "truncated header");
    }
    return std::optional<Message>();
  }
  if (head_end + 4 > limits.max_head) {
    return Bad("header section larger than " + std::to_string(limits.max_head) + " bytes");
  }
  Message m;
  size_t pos = 0;
  NA_TRY(ParseStartLine(*ReadLine(data, &pos), kind, &m));
  std::optional<uint64_t> content_length;
  bool chunked = false;
  while (pos < head_end + 2) {
    const std::string_view line = *ReadLine(data, &pos);
    if (line.empty()) {
      break;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::all_of(line.begin(), line.begin() + static_cast<ptrdiff_t>(colon), IsTokenChar)) {
      return Bad("malformed header line");
    }
    const std::string_view value = Trim(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          const auto u = static_cast<unsigned char>(c);
          return (u < 0x20 && c != '\t') || u == 0x7f;
        })) {
      return Bad("control character in a header value");
    }
    if (m.headers.size() == limits.max_headers) {
      return Bad("too many headers");
    }
    m.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    const std::string_view name = line.substr(0, colon);
    if (EqualsIgnoreCase(name, "content-length")) {
      uint64_t n = 0;
      if (!ParseDecimal(value, &n) || (content_length && *content_length != n)) {
        return Bad("bad or conflicting Content-Length");
      }
      content_length = n;
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      if (!EqualsIgnoreCase(value, "chunked") || chunked) {
        return Bad("unsupported Transfer-Encoding");
      }
      chunked = true;
    }
  }
  if (chunked && content_length) {
    return Bad("both Content-Length and Transfer-Encoding");
  }
  pos = head_end + 4;
  const bool no_body = kind == Kind::kResponse && (m.status == 204 || m.status == 304 || m.status < 200);
  if (no_body) {
    *consumed = pos;
    return std::optional<Message>(std::move(m));
  }
  if (content_length) {
    if (*content_length > limits.max_body) {
      return Bad("body larger than " + std::to_string(limits.max_body) + " bytes");
    }
    if (data.size() - pos < *content_length) {
      if (eof) {
        return Bad("truncated body");
      }
      return std::optional<Message>();
    }
    m.body.assign(bytes.begin() + static_cast<ptrdiff_t>(pos),
                  bytes.begin() + static_cast<ptrdiff_t>(pos + *content_length));
    *consumed = pos + *content_length;
    return std::optional<Message>(std::move(m));
  }
  if (chunked) {
    while (true) {
      const std::optional<std::string_view> size_line = ReadLine(data, &pos);
      if (!size_line) {
        if (eof || data.size() - pos > 64) {
          return Bad(eof ? "truncated chunked body" : "chunk size line too long");
        }
        return std::optional<Message>();
      }
      std::string_view hex = size_line->substr(0, size_line->find(';'));
      uint64_t n = 0;
      const auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), n, 16);
      if (hex.empty() || hex.size() > 8 || ec != std::errc() || p != hex.data() + hex.size()) {
        return Bad("bad chunk size");
      }
      if (n == 0) {
        // Trailers, then the empty line.
        while (true) {
          const std::optional<std::string_view> trailer = ReadLine(data, &pos);
          if (!trailer) {
            if (eof) {
              return Bad("truncated chunked body");
            }
            return std::optional<Message>();
          }
          if (trailer->empty()) {
            *consumed = pos;
            return std::optional<Message>(std::move(m));
          }
        }
      }
      if (m.body.size() + n > limits.max_body) {
        return Bad("body larger than " + std::to_string(limits.max_body) + " bytes");
      }
      if (data.size() - pos < n + 2) {
        if (eof) {
          return Bad("truncated chunk");
        }
        return std::optional<Message>();
      }
      if (data.substr(pos + n, 2) != "\r\n") {
        return Bad("chunk not followed by CRLF");
      }
      m.body.insert(m.body.end(), bytes.begin() + static_cast<ptrdiff_t>(pos),
                    bytes.begin() + static_cast<ptrdiff_t>(pos + n));
      pos += n + 2;
    }
  }
  if (kind == Kind::kRequest) {
    *consumed = pos;  // a request without a length has no body
    return std::optional<Message>(std::move(m));
  }
  // A response delimited by the connection's close.
  if (data.size() - pos > limits.max_body) {
    return Bad("body larger than " + std::to_string(limits.max_body) + " bytes");
  }
  if (!eof) {
    return std::optional<Message>();
  }
  m.body.assign(bytes.begin() + static_cast<ptrdiff_t>(pos), bytes.end());
  *consumed = data.size();
  return std::optional<Message>(std::move(m));
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

Bytes Serialize(const Message& m, Kind kind) {
  std::string head = kind == Kind::kRequest
                         ? m.method + " " + m.target + " HTTP/1.1\r\n"
                         : "HTTP/1.1 " + std::to_string(m.status) + " " +
                               std::string(m.reason.empty() ? ReasonPhrase(m.status) : m.reason) +
                               "\r\n";
  for (const auto& [n, v] : m.headers) {
    head += n + ": " + v + "\r\n";
  }
  if (m.Find("content-length") == nullptr) {
    head += "Content-Length: " + std::to_string(m.body.size()) + "\r\n";
  }
  head += "\r\n";
  Bytes out(head.begin(), head.end());
  out.insert(out.end(), m.body.begin(), m.body.end());
  return out;
}

namespace {

// SigpipeGuard: OpenSSL writes to the socket with write(2), which raises SIGPIPE when the peer
// is gone. Block it on this thread around SSL calls and discard one we caused (curl's way),
// so a library call never kills the process nor changes its signal handlers.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      const timespec zero{0, 0};
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_{}, old_{};
  bool was_pending_ = false;
};

Error TlsError(const char* what) {
  return ossl::OsslError(ErrorCode::kTransportError, std::string("TLS ") + what);
}

}  // namespace

Result<SslCtxPtr> ClientContext(const std::string& ca_file) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (ctx == nullptr || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "TLS client context");
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  const int ok = ca_file.empty()
                     ? SSL_CTX_set_default_verify_paths(ctx.get())
                     : SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr);
  if (ok != 1) {
    return ossl::OsslError(ErrorCode::kIoError,
                           ca_file.empty() ? "loading the system CA store" : "loading " + ca_file);
  }
  return ctx;
}

Result<SslCtxPtr> ServerContext(std::string_view cert_pem, std::string_view key_pem) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (ctx == nullptr || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    return ossl::OsslError(ErrorCode::kCryptoError, "TLS server context");
  }
  ossl::BioPtr certs(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  ossl::X509Ptr leaf(PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr));
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx.get(), leaf.get()) != 1) {
    return ossl::OsslError(ErrorCode::kInvalidArgument, "TLS server certificate");
  }
  while (X509* extra = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    SSL_CTX_add_extra_chain_cert(ctx.get(), extra);  // the context owns `extra` from here
  }
  ERR_clear_error();  // the loop ends on "no start line"
  ossl::BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  ossl::EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr || SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    return ossl::OsslError(ErrorCode::kInvalidArgument, "TLS server key");
  }
  return ctx;
}

TlsStream::~TlsStream() {
  if (ssl_ != nullptr && !failed_) {
    SigpipeGuard guard;
    SSL_shutdown(ssl_.get());  // best effort close_notify; never waits (non-blocking socket)
  }
}

Status TlsStream::Wait(int ssl_result, const char* what, Deadline deadline) {
  const int err = SSL_get_error(ssl_.get(), ssl_result);
  short events = 0;
  if (err == SSL_ERROR_WANT_READ) {
    events = POLLIN;
  } else if (err == SSL_ERROR_WANT_WRITE) {
    events = POLLOUT;
  } else {
    failed_ = true;
    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      return MakeError(ErrorCode::kTransportError,
                       std::string("TLS ") + what + ": connection closed or reset by the peer");
    }
    return TlsError(what);
  }
  while (true) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failed_ = true;
      return MakeError(ErrorCode::kTransportError, std::string("TLS ") + what + ": timed out");
    }
    pollfd fds[2] = {{fd_, events, 0}, {cancel_fd_, POLLIN, 0}};
    const nfds_t n = cancel_fd_ >= 0 ? 2 : 1;
    const int rc = poll(fds, n, static_cast<int>(std::min<int64_t>(left.count(), 3600000)));
    if (rc < 0 && errno == EINTR) {
      continue;
    }
    if (rc < 0) {
      failed_ = true;
      return ErrnoError("poll", errno);
    }
    if (n == 2 && fds[1].revents != 0) {
      failed_ = true;
      return MakeError(ErrorCode::kTransportError, std::string("TLS ") + what + ": shutting down");
    }
    if (rc > 0) {
      return {};
    }
  }
}

Result<std::unique_ptr<TlsStream>> TlsStream::Connect(SSL_CTX* ctx, const Address& via,
                                                      const std::string& host,
                                                      milliseconds connect_timeout,
                                                      Deadline deadline) {
  ChannelOptions options;
  const auto left =
      std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
  options.connect_timeout = std::max(milliseconds(1), std::min(connect_timeout, left));
  NA_ASSIGN_OR_RETURN(Connection conn, nitro_attest::Connect(via, options));
  std::unique_ptr<TlsStream> s(new TlsStream());
  s->fd_ = ChannelAccess::Fd(conn);
  s->owned_.emplace(std::move(conn));
  s->ssl_.reset(SSL_new(ctx));
  if (s->ssl_ == nullptr || SSL_set_fd(s->ssl_.get(), s->fd_) != 1 ||
      SSL_set_tlsext_host_name(s->ssl_.get(), host.c_str()) != 1 ||
      SSL_set1_host(s->ssl_.get(), host.c_str()) != 1) {
    s->failed_ = true;
    return TlsError("setup");
  }
  SigpipeGuard guard;
  while (true) {
    const int rc = SSL_connect(s->ssl_.get());
    if (rc == 1) {
      break;
    }
    NA_TRY(s->Wait(rc, "handshake", deadline));
  }
  if (SSL_get_verify_result(s->ssl_.get()) != X509_V_OK) {
    s->failed_ = true;
    return MakeError(ErrorCode::kTransportError, "TLS: the server's certificate is not trusted");
  }
  return s;
}

Result<std::unique_ptr<TlsStream>> TlsStream::Accept(SSL_CTX* ctx, Connection& conn,
                                                     Deadline deadline) {
  std::unique_ptr<TlsStream> s(new TlsStream());
  s->fd_ = ChannelAccess::Fd(conn);
  s->cancel_fd_ = ChannelAccess::CancelFd(conn);
  s->ssl_.reset(SSL_new(ctx));
  if (s->ssl_ == nullptr || SSL_set_fd(s->ssl_.get(), s->fd_) != 1) {
    s->failed_ = true;
    return TlsError("setup");
  }
  SigpipeGuard guard;
  while (true) {
    const int rc = SSL_accept(s->ssl_.get());
    if (rc == 1) {
      return s;
    }
    NA_TRY(s->Wait(rc, "handshake", deadline));
  }
}

Status TlsStream::WriteAll(std::span<const uint8_t> data, Deadline deadline) {
  SigpipeGuard guard;
  size_t sent = 0;
  while (sent < data.size()) {
    const int chunk = static_cast<int>(std::min<size_t>(data.size() - sent, 1 << 20));
    const int rc = SSL_write(ssl_.get(), data.data() + sent, chunk);
    if (rc > 0) {
      sent += static_cast<size_t>(rc);
      continue;
    }
    NA_TRY(Wait(rc, "write", deadline));
  }
  return {};
}

Result<size_t> TlsStream::ReadSome(std::span<uint8_t> out, Deadline deadline) {
  SigpipeGuard guard;
  while (true) {
    size_t n = 0;
    const int rc = SSL_read_ex(ssl_.get(), out.data(), out.size(), &n);
    if (rc == 1) {
      return n;
    }
    const int err = SSL_get_error(ssl_.get(), rc);
    if (err == SSL_ERROR_ZERO_RETURN) {
      return size_t{0};
    }
    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      failed_ = true;
      return size_t{0};  // closed without close_notify: an end like any other here
    }
    NA_TRY(Wait(rc, "read", deadline));
  }
}

Result<Message> TlsStream::ReadMessage(Kind kind, const Limits& limits, Deadline deadline) {
  bool eof = false;
  while (true) {
    size_t consumed = 0;
    NA_ASSIGN_OR_RETURN(std::optional<Message> m,
                        Parse(buffered_, kind, limits, eof, &consumed));
    if (m) {
      buffered_.erase(buffered_.begin(), buffered_.begin() + static_cast<ptrdiff_t>(consumed));
      return std::move(*m);
    }
    uint8_t buf[16384];
    NA_ASSIGN_OR_RETURN(const size_t n, ReadSome(buf, deadline));
    if (n == 0) {
      eof = true;
      failed_ = true;  // nothing more can come on this connection
    }
    buffered_.insert(buffered_.end(), buf, buf + n);
  }
}

bool TlsStream::Reusable() const {
  if (failed_ || !buffered_.empty() || SSL_pending(ssl_.get()) > 0) {
    return false;
  }
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, 0) == 0;  // readable means closed or unasked bytes (or a poll error)
}

}  // namespace nitro_attest::http
