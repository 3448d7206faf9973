// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "nitro_attest/channel.h"
#include "src/channel/internal.h"

namespace nitro_attest {

struct Server::State {
  ServerOptions options;
  Handler handler;
  int listen_fd = -1;
  // Written once at shutdown and never read: stays readable, so every poll on it wakes.
  UniqueFd wake;
  std::vector<std::thread> workers;
  std::mutex shutdown_mu;
  bool stopped = false;
  std::atomic<uint64_t> accepted{0}, succeeded{0}, failed{0};

  void Work() {
    while (true) {
      pollfd fds[2] = {{wake.get(), POLLIN, 0}, {listen_fd, POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) {
          continue;
        }
        return;
      }
      if (fds[0].revents != 0) {
        return;
      }
      SockAddr peer;
      peer.length = sizeof(peer.storage);
      // Every worker wakes for a new client; the others see EAGAIN and go back to waiting.
      UniqueFd fd(accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer.storage), &peer.length,
                          SOCK_CLOEXEC | SOCK_NONBLOCK));
      if (!fd.valid()) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: back off instead of spinning on a readable listener.
          pollfd w{wake.get(), POLLIN, 0};
          poll(&w, 1, 50);
        }
        continue;
      }
      accepted.fetch_add(1, std::memory_order_relaxed);
      Connection conn =
          ChannelAccess::Make(std::move(fd), options.channel, DescribeSockAddr(peer.get(), peer.length));
      ChannelAccess::SetCancelFd(conn, wake.get());
      conn.set_deadline(std::chrono::steady_clock::now() + options.connection_deadline);
      const Status st = handler(conn);
      (st ? succeeded : failed).fetch_add(1, std::memory_order_relaxed);
    }
  }
};

Server::Server(Listener listener, std::unique_ptr<State> state)
    : listener_(std::move(listener)), state_(std::move(state)) {}

Server::~Server() { Shutdown(); }

Result<std::unique_ptr<Server>> Server::Start(Listener listener, const ServerOptions& options,
                                              Handler handler) {
  if (options.workers == 0 || options.workers > 1024 || !handler) {
    return MakeError(ErrorCode::kInvalidArgument, "server needs 1..1024 workers and a handler");
  }
  auto state = std::make_unique<State>();
  state->options = options;
  state->handler = std::move(handler);
  state->listen_fd = listener.fd_;
  state->wake = UniqueFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!state->wake.valid()) {
    return ErrnoError("eventfd", errno);
  }
  State* s = state.get();
  // The constructor is private, so make_unique cannot reach it.
  std::unique_ptr<Server> server(new Server(std::move(listener), std::move(state)));
  try {
    for (size_t i = 0; i < options.workers; ++i) {
      s->workers.emplace_back([s] { s->Work(); });
    }
  } catch (const std::system_error& e) {
    server->Shutdown();
    return MakeError(ErrorCode::kInternal, std::string("cannot start worker: ") + e.what());
  }
  return server;
}

void Server::Shutdown() {
  if (!state_) {
    return;
  }
  std::lock_guard<std::mutex> lock(state_->shutdown_mu);
  if (state_->stopped) {
    return;
  }
  state_->stopped = true;
  const uint64_t one = 1;
  if (write(state_->wake.get(), &one, sizeof(one)) != sizeof(one)) {
    // An eventfd write of 1 fails only on counter overflow, which one write cannot cause.
  }
  for (std::thread& t : state_->workers) {
    if (t.joinable()) {
      t.join();
    }
  }
}

Server::Stats Server::stats() const {
  Stats s;
  s.accepted = state_->accepted.load(std::memory_order_relaxed);
  s.succeeded = state_->succeeded.load(std::memory_order_relaxed);
  s.failed = state_->failed.load(std::memory_order_relaxed);
  return s;
}

}  // namespace nitro_attest
