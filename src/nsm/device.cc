// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "src/nsm/device.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "src/channel/internal.h"  // UniqueFd

namespace nitro_attest::nsm {
namespace {

int RealIoctl(int fd, unsigned long request, NsmRaw* raw) { return ::ioctl(fd, request, raw); }

std::string ErrnoText(int err) {
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

class DeviceTransport final : public NsmTransport {
 public:
  DeviceTransport(UniqueFd fd, IoctlFn ioctl_fn) : fd_(std::move(fd)), ioctl_(ioctl_fn) {}

  Result<Bytes> Call(std::span<const uint8_t> request) override {
    // The driver refuses requests above 0x1000 (EMSGSIZE); QEMU's device breaks on an empty one.
    if (request.empty() || request.size() > kNsmRequestMaxSize) {
      Error e = MakeError(ErrorCode::kInvalidArgument, "NSM request must be 1..4096 bytes");
      e.nsm_error = NsmErrorCode::kInputTooLarge;
      return e;
    }
    // Always the full 0x3000 bytes: a smaller buffer can truncate or break the device (§1.6).
    Bytes response(kNsmResponseMaxSize);
    NsmRaw raw{};
    raw.request.addr = reinterpret_cast<uintptr_t>(request.data());  // read by the kernel only
    raw.request.len = request.size();
    raw.response.addr = reinterpret_cast<uintptr_t>(response.data());
    raw.response.len = response.size();
    int rc = 0;
    do {
      rc = ioctl_(fd_.get(), kNsmIoctlRaw, &raw);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
      return MakeError(ErrorCode::kDeviceError, "NSM ioctl failed: " + ErrnoText(errno));
    }
    // The kernel rewrites response.len to the number of bytes it wrote.
    if (raw.response.len > response.size()) {
      return MakeError(ErrorCode::kDeviceError, "NSM driver reported an oversized response");
    }
    response.resize(static_cast<size_t>(raw.response.len));
    return response;
  }

 private:
  UniqueFd fd_;
  IoctlFn ioctl_;
};

}  // namespace

Result<std::unique_ptr<NsmTransport>> OpenNsmDeviceWithIoctl(const std::string& path,
                                                             IoctlFn ioctl_fn) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return MakeError(ErrorCode::kDeviceError, "cannot open " + path + ": " + ErrnoText(errno));
  }
  return std::unique_ptr<NsmTransport>(std::make_unique<DeviceTransport>(UniqueFd(fd), ioctl_fn));
}

}  // namespace nitro_attest::nsm

namespace nitro_attest {

Result<std::unique_ptr<NsmTransport>> OpenNsmDevice(const std::string& path) {
  return nsm::OpenNsmDeviceWithIoctl(path, &nsm::RealIoctl);
}

}  // namespace nitro_attest
