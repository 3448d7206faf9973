// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
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
  // Each is written once at shutdown and never read, so it stays readable and every poll on
  // it wakes: `stop` ends accepting, `cancel` (after the grace period) every connection's wait.
  UniqueFd stop, cancel;
  std::vector<std::thread> workers;
  std::mutex shutdown_mu;
  bool stopped = false;
  std::mutex active_mu;
  std::condition_variable idle;
  size_t active = 0;
  std::atomic<uint64_t> accepted{0}, succeeded{0}, failed{0};

  void Serve(Connection& conn) {
    {
      std::lock_guard<std::mutex> lock(active_mu);
      ++active;
    }
    const Status st = handler(conn);
    (st ? succeeded : failed).fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(active_mu);
    --active;
    idle.notify_all();
  }

  void Work() {
    while (true) {
      pollfd fds[2] = {{stop.get(), POLLIN, 0}, {listen_fd, POLLIN, 0}};
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
          pollfd w{stop.get(), POLLIN, 0};
          poll(&w, 1, 50);
        }
        continue;
      }
      accepted.fetch_add(1, std::memory_order_relaxed);
      Connection conn = ChannelAccess::Make(std::move(fd), options.channel,
                                            DescribeSockAddr(peer.get(), peer.length));
      ChannelAccess::SetCancelFd(conn, cancel.get());
      conn.set_deadline(std::chrono::steady_clock::now() + options.connection_deadline);
      Serve(conn);
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
  state->stop = UniqueFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  state->cancel = UniqueFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!state->stop.valid() || !state->cancel.valid()) {
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
  // An eventfd write of 1 fails only on counter overflow, which one write cannot cause.
  const uint64_t one = 1;
  (void)!write(state_->stop.get(), &one, sizeof(one));
  {
    std::unique_lock<std::mutex> active_lock(state_->active_mu);
    state_->idle.wait_for(active_lock, state_->options.shutdown_grace,
                          [this] { return state_->active == 0; });
  }
  (void)!write(state_->cancel.get(), &one, sizeof(one));
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
