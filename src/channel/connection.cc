// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "nitro_attest/channel.h"
#include "src/channel/internal.h"

namespace nitro_attest {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kHeaderSize = 4;

int PollMillis(milliseconds ms) {
  return static_cast<int>(std::clamp<int64_t>(ms.count(), 0, 24 * 3600 * 1000));
}

// ConnectOne connects one socket within `timeout`. Unix sockets report a full backlog as
// EAGAIN instead of completing later, so that case is retried until the timeout.
Result<UniqueFd> ConnectOne(const SockAddr& sa, milliseconds timeout) {
  const Clock::time_point until = Clock::now() + timeout;
  while (true) {
    UniqueFd fd(socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) {
      return ErrnoError("socket", errno);
    }
    if (connect(fd.get(), sa.get(), sa.length) == 0) {
      return fd;
    }
    const int err = errno;
    if (err == EAGAIN && sa.family() == AF_UNIX) {
      if (Clock::now() >= until) {
        return MakeError(ErrorCode::kTransportError, "connect: timed out (backlog full)");
      }
      std::this_thread::sleep_for(milliseconds(10));
      continue;
    }
    if (err != EINPROGRESS && err != EINTR) {
      return ErrnoError("connect", err);
    }
    while (true) {
      pollfd p{fd.get(), POLLOUT, 0};
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
      if (left.count() <= 0) {
        return MakeError(ErrorCode::kTransportError, "connect: timed out");
      }
      const int rc = poll(&p, 1, PollMillis(left));
      if (rc < 0 && errno == EINTR) {
        continue;
      }
      if (rc < 0) {
        return ErrnoError("poll", errno);
      }
      if (rc > 0) {
        break;
      }
    }
    int so_error = 0;
    socklen_t len = sizeof(so_error);
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
      return ErrnoError("getsockopt", errno);
    }
    if (so_error != 0) {
      return ErrnoError("connect", so_error);
    }
    return fd;
  }
}

// IsStaleUnixSocket reports whether `path` is a socket file nobody accepts on.
bool IsStaleUnixSocket(const SockAddr& sa, const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return false;
  }
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  return fd.valid() && connect(fd.get(), sa.get(), sa.length) != 0 && errno == ECONNREFUSED;
}

// BindUnix binds and listens under a temporary name beside the path and then renames the socket
// into place, so that the file appears only once it accepts connections (scripts and tests
// wait for it). A stale socket file is replaced; a live one or any other file is an error.
Status BindUnix(int fd, const SockAddr& sa, const Address& address, int backlog) {
  const std::string& path = address.path;
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return MakeError(
          ErrorCode::kTransportError,
          "bind " + to_string(address) + ": a file that is not a socket is in the way");
    }
    if (!IsStaleUnixSocket(sa, path)) {
      return ErrnoError("bind " + to_string(address), EADDRINUSE);
    }
  }
  Address staged = address;
  staged.path = path + ".tmp" + std::to_string(getpid());
  const bool rename_into_place = staged.path.size() < sizeof(sockaddr_un::sun_path);
  if (!rename_into_place) {
    staged.path = path;  // no room for the temporary name: bind in place
  }
  unlink(staged.path.c_str());  // a stale socket, or a leftover temporary of this pid
  NA_ASSIGN_OR_RETURN(const std::vector<SockAddr> where, ResolveAddress(staged, true));
  if (bind(fd, where.front().get(), where.front().length) != 0) {
    return ErrnoError("bind " + to_string(address), errno);
  }
  if (listen(fd, backlog) != 0 ||
      (rename_into_place && rename(staged.path.c_str(), path.c_str()) != 0)) {
    const int err = errno;
    unlink(staged.path.c_str());
    return ErrnoError("listen " + to_string(address), err);
  }
  return {};
}

}  // namespace

Connection::Connection(int fd, const ChannelOptions& options, std::string peer)
    : fd_(fd), options_(options), peer_(std::move(peer)) {}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      cancel_fd_(std::exchange(other.cancel_fd_, -1)),
      options_(other.options_),
      deadline_(other.deadline_),
      peer_(std::move(other.peer_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    UniqueFd old(fd_);
    fd_ = std::exchange(other.fd_, -1);
    cancel_fd_ = std::exchange(other.cancel_fd_, -1);
    options_ = other.options_;
    deadline_ = other.deadline_;
    peer_ = std::move(other.peer_);
  }
  return *this;
}

Connection::~Connection() { UniqueFd close_it(fd_); }

bool Connection::PeerClosed() const {
  if (fd_ < 0) {
    return true;
  }
  // Between exchanges nothing may be readable: readable means end of stream or unrequested
  // bytes, either way the stream is out of step.
  pollfd p{fd_, POLLIN | POLLRDHUP, 0};
  return poll(&p, 1, 0) != 0;  // also true on a poll error
}

void Connection::ShutdownWrite() {
  if (fd_ >= 0) {
    shutdown(fd_, SHUT_WR);
  }
}

Status Connection::Wait(short events, const char* what) {
  while (true) {
    milliseconds timeout = options_.io_timeout;
    if (deadline_) {
      const auto left = std::chrono::duration_cast<milliseconds>(*deadline_ - Clock::now());
      if (left.count() <= 0) {
        return MakeError(ErrorCode::kTransportError,
                         std::string(what) + ": connection deadline exceeded");
      }
      timeout = std::min(timeout, left);
    }
    pollfd fds[2] = {{fd_, events, 0}, {cancel_fd_, POLLIN, 0}};
    const nfds_t n = cancel_fd_ >= 0 ? 2 : 1;
    const int rc = poll(fds, n, PollMillis(timeout));
    if (rc < 0 && errno == EINTR) {
      continue;
    }
    if (rc < 0) {
      return ErrnoError("poll", errno);
    }
    if (n == 2 && fds[1].revents != 0) {
      return MakeError(ErrorCode::kTransportError, std::string(what) + ": shutting down");
    }
    if (rc == 0) {
      if (deadline_ && Clock::now() >= *deadline_) {
        continue;  // reported as the deadline above
      }
      return MakeError(ErrorCode::kTransportError, std::string(what) + ": timed out after " +
                                                       std::to_string(options_.io_timeout.count()) +
                                                       " ms");
    }
    return {};  // readable, writable, hung up or failed: the next call says which
  }
}

Status Connection::ReadExact(std::span<uint8_t> out, bool at_frame_start) {
  if (fd_ < 0) {
    return MakeError(ErrorCode::kTransportError, "connection is closed");
  }
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t r = recv(fd_, out.data() + got, out.size() - got, MSG_DONTWAIT);
    if (r > 0) {
      got += static_cast<size_t>(r);
      continue;
    }
    if (r == 0) {
      if (at_frame_start && got == 0) {
        return MakeError(ErrorCode::kTransportError, "peer closed the connection");
      }
      return MakeError(ErrorCode::kTransportError, "truncated frame: peer closed after " +
                                                       std::to_string(got) + " of " +
                                                       std::to_string(out.size()) + " bytes");
    }
    const int err = errno;
    if (err == EINTR) {
      continue;
    }
    if (err != EAGAIN && err != EWOULDBLOCK) {
      return ErrnoError("recv", err);
    }
    NA_TRY(Wait(POLLIN, "receive"));
  }
  return {};
}

Status Connection::WriteAll(std::span<const uint8_t> data) {
  if (fd_ < 0) {
    return MakeError(ErrorCode::kTransportError, "connection is closed");
  }
  size_t sent = 0;
  while (sent < data.size()) {
    // MSG_NOSIGNAL: a peer that hung up yields EPIPE here, never SIGPIPE.
    const ssize_t r =
        send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r >= 0) {
      sent += static_cast<size_t>(r);
      continue;
    }
    const int err = errno;
    if (err == EINTR) {
      continue;
    }
    if (err != EAGAIN && err != EWOULDBLOCK) {
      return ErrnoError("send", err);
    }
    NA_TRY(Wait(POLLOUT, "send"));
  }
  return {};
}

Status Connection::Send(std::span<const uint8_t> message) {
  if (message.empty() || message.size() > options_.max_frame_size) {
    return MakeError(ErrorCode::kInvalidArgument, "message of " + std::to_string(message.size()) +
                                                      " bytes outside 1.." +
                                                      std::to_string(options_.max_frame_size));
  }
  Bytes frame;
  frame.reserve(kHeaderSize + message.size());
  const auto n = static_cast<uint32_t>(message.size());
  frame.push_back(static_cast<uint8_t>(n >> 24));
  frame.push_back(static_cast<uint8_t>(n >> 16));
  frame.push_back(static_cast<uint8_t>(n >> 8));
  frame.push_back(static_cast<uint8_t>(n));
  frame.insert(frame.end(), message.begin(), message.end());
  return WriteAll(frame);
}

Result<Bytes> Connection::Receive() {
  uint8_t header[kHeaderSize] = {};
  NA_TRY(ReadExact(header, /*at_frame_start=*/true));
  const uint32_t n = (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) |
                     (uint32_t{header[2]} << 8) | uint32_t{header[3]};
  if (n == 0) {
    return MakeError(ErrorCode::kTransportError, "empty frame");
  }
  if (n > options_.max_frame_size) {
    // Refused before reading or buffering any of it.
    return MakeError(ErrorCode::kTransportError, "frame of " + std::to_string(n) +
                                                     " bytes exceeds the cap of " +
                                                     std::to_string(options_.max_frame_size));
  }
  Bytes body(n);
  NA_TRY(ReadExact(body, /*at_frame_start=*/false));
  return body;
}

Result<Connection> Connect(const Address& address, const ChannelOptions& options) {
  if (address.family == Address::Family::kVsock && address.cid == kVsockCidAny) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot connect to vsock CID \"any\"");
  }
  if (address.family == Address::Family::kTcp && address.port == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot connect to tcp port 0");
  }
  NA_ASSIGN_OR_RETURN(const std::vector<SockAddr> addrs, ResolveAddress(address, false));
  Error last = MakeError(ErrorCode::kTransportError, "no address");
  for (const SockAddr& sa : addrs) {
    Result<UniqueFd> fd = ConnectOne(sa, options.connect_timeout);
    if (fd) {
      return ChannelAccess::Make(std::move(*fd), options, to_string(address));
    }
    last = std::move(fd).error();
    last.detail = to_string(address) + ": " + last.detail;
  }
  return last;
}

Listener::Listener(int fd, Address address, bool unlink_on_close)
    : fd_(fd), address_(std::move(address)), unlink_on_close_(unlink_on_close) {}

Listener::Listener(Listener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      address_(std::move(other.address_)),
      unlink_on_close_(std::exchange(other.unlink_on_close_, false)) {}

Listener& Listener::operator=(Listener&& other) noexcept {
  if (this != &other) {
    Listener old(std::move(*this));
    fd_ = std::exchange(other.fd_, -1);
    address_ = std::move(other.address_);
    unlink_on_close_ = std::exchange(other.unlink_on_close_, false);
  }
  return *this;
}

Listener::~Listener() {
  if (fd_ >= 0 && unlink_on_close_) {
    unlink(address_.path.c_str());
  }
  UniqueFd close_it(fd_);
}

Result<Listener> Listener::Bind(const Address& address, int backlog) {
  NA_ASSIGN_OR_RETURN(const std::vector<SockAddr> addrs, ResolveAddress(address, true));
  const SockAddr& sa = addrs.front();
  UniqueFd fd(socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    return ErrnoError("socket for " + to_string(address), errno);
  }
  if (address.family == Address::Family::kUnix) {
    NA_TRY(BindUnix(fd.get(), sa, address, backlog));
  } else {
    if (sa.family() == AF_INET || sa.family() == AF_INET6) {
      const int one = 1;
      setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (bind(fd.get(), sa.get(), sa.length) != 0) {
      return ErrnoError("bind " + to_string(address), errno);
    }
    if (listen(fd.get(), backlog) != 0) {
      return ErrnoError("listen " + to_string(address), errno);
    }
  }
  Address bound = address;
  SockAddr local;
  local.length = sizeof(local.storage);
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local.storage), &local.length) == 0) {
    if (local.family() == AF_INET) {
      bound.port = ntohs(reinterpret_cast<const sockaddr_in*>(&local.storage)->sin_port);
    } else if (local.family() == AF_INET6) {
      bound.port = ntohs(reinterpret_cast<const sockaddr_in6*>(&local.storage)->sin6_port);
    }
  }
  const bool is_unix = address.family == Address::Family::kUnix;
  return Listener(fd.release(), std::move(bound), is_unix);
}

Result<Connection> Listener::Accept(milliseconds timeout, const ChannelOptions& options) {
  const Clock::time_point until = Clock::now() + timeout;
  while (true) {
    SockAddr peer;
    peer.length = sizeof(peer.storage);
    UniqueFd fd(accept4(fd_, reinterpret_cast<sockaddr*>(&peer.storage), &peer.length,
                        SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (fd.valid()) {
      return ChannelAccess::Make(std::move(fd), options, DescribeSockAddr(peer.get(), peer.length));
    }
    const int err = errno;
    if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != ECONNABORTED) {
      return ErrnoError("accept", err);
    }
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    if (left.count() <= 0) {
      return MakeError(ErrorCode::kTransportError, "accept: timed out");
    }
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, PollMillis(left)) < 0 && errno != EINTR) {
      return ErrnoError("poll", errno);
    }
  }
}

}  // namespace nitro_attest
