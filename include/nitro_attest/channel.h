// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// channel.h: framed messages between parent and enclave over vsock, Unix or TCP sockets.
// A frame is a 4-byte big-endian length and that many bytes (one CBOR message). The peer is
// assumed hostile: frames are capped, every wait is bounded, and a server serves clients with a
// fixed number of workers so one client cannot starve or exhaust the others.
#ifndef NITRO_ATTEST_CHANNEL_H_
#define NITRO_ATTEST_CHANNEL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// Frames larger than this are refused unless ChannelOptions says otherwise.
inline constexpr size_t kDefaultMaxFrameSize = 64 * 1024;
// The vsock CID an enclave listens on to accept from any peer (VMADDR_CID_ANY).
inline constexpr uint32_t kVsockCidAny = 0xFFFFFFFFu;

// Address is a parsed socket address: "vsock:CID:PORT", "unix:PATH" or "tcp:HOST:PORT".
struct Address {
  enum class Family : uint8_t { kVsock, kUnix, kTcp };
  Family family = Family::kUnix;
  uint32_t cid = 0;   // vsock: 3 is the parent on Nitro, enclaves from 16; "any" = kVsockCidAny
  uint32_t port = 0;  // vsock: 0..UINT32_MAX; tcp: 0..65535 (0 = any, for listening)
  std::string host;   // tcp: IP literal (IPv6 without brackets) or a host name
  std::string path;   // unix: file system path
};

// ParseAddress parses an address. Returns kInvalidArgument for an unknown scheme, a number out
// of range or with stray characters, an empty or over-long Unix path, or an unbracketed IPv6.
Result<Address> ParseAddress(std::string_view text);

// to_string formats an address so that ParseAddress reads it back.
std::string to_string(const Address& address);

// ChannelOptions bound every connection's waits and frames.
struct ChannelOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // The longest wait for the peer to make progress on one read or write.
  std::chrono::milliseconds io_timeout{10000};
  size_t max_frame_size = kDefaultMaxFrameSize;
};

// Connection is one connected stream socket (owned, closed on destruction). Not thread-safe.
// Every failure is kTransportError: timeout, deadline, peer closed, oversize or truncated frame.
class Connection {
 public:
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Send writes one frame carrying `message` (1..max_frame_size bytes).
  Status Send(std::span<const uint8_t> message);
  // Receive reads one frame and returns its message. An empty or oversize length fails before
  // any body byte is read or buffered.
  Result<Bytes> Receive();

  // set_deadline bounds all further I/O on this connection by an absolute time.
  void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }
  // PeerClosed reports, without waiting, whether the connection can no longer carry a new
  // exchange: the peer has closed (or half-closed) it, sent bytes nobody asked for, or it
  // failed. Meant for the moment between a response and the next request.
  bool PeerClosed() const;
  // ShutdownWrite tells the peer no more frames follow (half-close).
  void ShutdownWrite();
  // peer describes the other end for logs ("tcp:127.0.0.1:40312", "unix:", "vsock:16:1234").
  const std::string& peer() const { return peer_; }

 private:
  friend struct ChannelAccess;
  Connection(int fd, const ChannelOptions& options, std::string peer);
  Status Wait(short events, const char* what);
  Status ReadExact(std::span<uint8_t> out, bool at_frame_start);
  Status WriteAll(std::span<const uint8_t> data);

  int fd_ = -1;
  int cancel_fd_ = -1;  // not owned; readable = abort all waits (server shutdown)
  ChannelOptions options_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::string peer_;
};

// Connect connects to `address` within options.connect_timeout.
Result<Connection> Connect(const Address& address, const ChannelOptions& options = {});

// Listener is a bound, listening socket. A Unix listener removes its socket file when
// destroyed; binding over a stale socket file (nobody accepting) replaces it.
class Listener {
 public:
  // Bind binds and listens. Returns kTransportError (errno text in detail) on failure.
  static Result<Listener> Bind(const Address& address, int backlog = 64);
  Listener(Listener&& other) noexcept;
  Listener& operator=(Listener&& other) noexcept;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener();

  // Accept waits up to `timeout` for one client. Returns kTransportError on timeout.
  Result<Connection> Accept(std::chrono::milliseconds timeout, const ChannelOptions& options = {});
  // address is the bound address, with the port the kernel chose when 0 was asked.
  const Address& address() const { return address_; }

 private:
  friend class Server;
  Listener(int fd, Address address, bool unlink_on_close);
  int fd_ = -1;
  Address address_;
  bool unlink_on_close_ = false;
};

// ServerOptions: `workers` connections are served at once; more wait in the listen backlog.
struct ServerOptions {
  size_t workers = 8;
  // Each connection is closed this long after it was accepted, whatever the peer does.
  std::chrono::milliseconds connection_deadline{30000};
  // At shutdown, connections in progress get this long to finish before their waits fail.
  std::chrono::milliseconds shutdown_grace{2000};
  ChannelOptions channel;
};

// Server accepts on a listener with a fixed pool of worker threads; each worker runs the
// handler for one connection at a time. Memory per connection is bounded by the frame cap.
class Server {
 public:
  // Handler serves one connection; its Status is only counted.
  using Handler = std::function<Status(Connection&)>;
  struct Stats {
    uint64_t accepted = 0, succeeded = 0, failed = 0;
  };

  // Start starts the workers. Returns kInvalidArgument for 0 workers, kTransportError or
  // kInternal when the wake-up descriptor or a thread cannot be made.
  static Result<std::unique_ptr<Server>> Start(Listener listener, const ServerOptions& options,
                                               Handler handler);
  ~Server();  // Shutdown()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Shutdown stops accepting, lets connections in progress finish for up to shutdown_grace,
  // then makes their waits fail and joins the workers. Idempotent; not from a handler.
  void Shutdown();
  const Address& address() const { return listener_.address(); }
  Stats stats() const;

 private:
  struct State;
  Server(Listener listener, std::unique_ptr<State> state);
  Listener listener_;
  std::unique_ptr<State> state_;
};

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_CHANNEL_H_
