// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <linux/vm_sockets.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

#include "nitro_attest/channel.h"
#include "src/channel/internal.h"

namespace nitro_attest {
namespace {

static_assert(kVsockCidAny == VMADDR_CID_ANY);

// ParseNumber accepts 1..10 decimal digits and nothing else (no sign, no spaces).
bool ParseNumber(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty() || s.size() > 10) {
    return false;
  }
  uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) {
    return false;
  }
  *out = v;
  return true;
}

Error Invalid(std::string_view text, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, "address \"" + std::string(text) + "\": " + why);
}

constexpr size_t kMaxUnixPath = sizeof(sockaddr_un::sun_path) - 1;  // room for the NUL

}  // namespace

Result<Address> ParseAddress(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Invalid(text, "expected vsock:CID:PORT, unix:PATH or tcp:HOST:PORT");
  }
  const std::string_view scheme = text.substr(0, colon);
  const std::string_view rest = text.substr(colon + 1);
  Address a;
  if (scheme == "unix") {
    if (rest.empty() || rest.size() > kMaxUnixPath) {
      return Invalid(text, "unix path must be 1.." + std::to_string(kMaxUnixPath) + " bytes");
    }
    if (rest.find('\0') != std::string_view::npos) {
      return Invalid(text, "unix path contains NUL");
    }
    a.family = Address::Family::kUnix;
    a.path = std::string(rest);
    return a;
  }
  if (scheme != "vsock" && scheme != "tcp") {
    return Invalid(text, "unknown scheme");
  }
  const size_t last = rest.rfind(':');
  if (last == std::string_view::npos) {
    return Invalid(text, "missing port");
  }
  std::string_view host = rest.substr(0, last);
  const std::string_view port = rest.substr(last + 1);
  uint64_t n = 0;
  if (scheme == "vsock") {
    a.family = Address::Family::kVsock;
    if (host == "any") {
      a.cid = kVsockCidAny;
    } else if (ParseNumber(host, std::numeric_limits<uint32_t>::max(), &n)) {
      a.cid = static_cast<uint32_t>(n);
    } else {
      return Invalid(text, "CID must be 0..4294967295 or \"any\"");
    }
    if (!ParseNumber(port, std::numeric_limits<uint32_t>::max(), &n)) {
      return Invalid(text, "vsock port must be 0..4294967295");
    }
    a.port = static_cast<uint32_t>(n);
    return a;
  }
  a.family = Address::Family::kTcp;
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      return Invalid(text, "bad bracketed IPv6 host");
    }
    host = host.substr(1, host.size() - 2);
    in6_addr v6{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &v6) != 1) {
      return Invalid(text, "bad IPv6 literal");
    }
  } else if (host.find(':') != std::string_view::npos) {
    return Invalid(text, "IPv6 hosts must be bracketed: tcp:[::1]:PORT");
  }
  if (host.empty()) {
    return Invalid(text, "empty host");
  }
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '%' || c == '_';
    if (!ok) {
      return Invalid(text, "bad character in host");
    }
  }
  if (!ParseNumber(port, 65535, &n)) {
    return Invalid(text, "tcp port must be 0..65535");
  }
  a.host = std::string(host);
  a.port = static_cast<uint32_t>(n);
  return a;
}

std::string to_string(const Address& a) {
  switch (a.family) {
    case Address::Family::kUnix:
      return "unix:" + a.path;
    case Address::Family::kVsock:
      return "vsock:" + (a.cid == kVsockCidAny ? std::string("any") : std::to_string(a.cid)) + ":" +
             std::to_string(a.port);
    case Address::Family::kTcp:
      if (a.host.find(':') != std::string::npos) {
        return "tcp:[" + a.host + "]:" + std::to_string(a.port);
      }
      return "tcp:" + a.host + ":" + std::to_string(a.port);
  }
  return "?";
}

Error ErrnoError(const std::string& what, int err) {
  return MakeError(ErrorCode::kTransportError, what + ": " + std::strerror(err));
}

Result<std::vector<SockAddr>> ResolveAddress(const Address& address, bool passive) {
  std::vector<SockAddr> out;
  switch (address.family) {
    case Address::Family::kUnix: {
      if (address.path.empty() || address.path.size() > kMaxUnixPath) {
        return MakeError(ErrorCode::kInvalidArgument, "bad unix path length");
      }
      SockAddr s;
      auto* un = reinterpret_cast<sockaddr_un*>(&s.storage);
      un->sun_family = AF_UNIX;
      std::memcpy(un->sun_path, address.path.data(), address.path.size());
      s.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.path.size() + 1);
      out.push_back(s);
      return out;
    }
    case Address::Family::kVsock: {
      SockAddr s;
      auto* vm = reinterpret_cast<sockaddr_vm*>(&s.storage);
      vm->svm_family = AF_VSOCK;
      vm->svm_cid = address.cid;
      vm->svm_port = address.port;
      s.length = sizeof(sockaddr_vm);
      out.push_back(s);
      return out;
    }
    case Address::Family::kTcp: {
      if (address.port > 65535) {
        return MakeError(ErrorCode::kInvalidArgument, "tcp port out of range");
      }
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
      addrinfo* res = nullptr;
      const std::string port = std::to_string(address.port);
      const int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &res);
      if (rc != 0) {
        return MakeError(ErrorCode::kTransportError,
                         "cannot resolve " + address.host + ": " + gai_strerror(rc));
      }
      for (const addrinfo* p = res; p != nullptr; p = p->ai_next) {
        if (p->ai_addrlen > sizeof(sockaddr_storage)) {
          continue;
        }
        SockAddr s;
        std::memcpy(&s.storage, p->ai_addr, p->ai_addrlen);
        s.length = p->ai_addrlen;
        out.push_back(s);
      }
      freeaddrinfo(res);
      if (out.empty()) {
        return MakeError(ErrorCode::kTransportError, "no address for " + address.host);
      }
      return out;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown address family");
}

std::string DescribeSockAddr(const sockaddr* addr, socklen_t length) {
  if (addr == nullptr || length < sizeof(sa_family_t)) {
    return "unknown";
  }
  Address a;
  switch (addr->sa_family) {
    case AF_UNIX: {
      const auto* un = reinterpret_cast<const sockaddr_un*>(addr);
      const size_t max = length - offsetof(sockaddr_un, sun_path);
      a.family = Address::Family::kUnix;
      a.path = std::string(un->sun_path, strnlen(un->sun_path, max));
      return "unix:" + a.path;  // clients are usually unnamed: "unix:"
    }
    case AF_VSOCK: {
      const auto* vm = reinterpret_cast<const sockaddr_vm*>(addr);
      a.family = Address::Family::kVsock;
      a.cid = vm->svm_cid;
      a.port = vm->svm_port;
      return to_string(a);
    }
    case AF_INET:
    case AF_INET6: {
      char host[INET6_ADDRSTRLEN] = {};
      uint16_t port = 0;
      if (addr->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        port = ntohs(in->sin_port);
      } else {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        port = ntohs(in6->sin6_port);
      }
      a.family = Address::Family::kTcp;
      a.host = host;
      a.port = port;
      return to_string(a);
    }
    default:
      return "family " + std::to_string(addr->sa_family);
  }
}

}  // namespace nitro_attest
