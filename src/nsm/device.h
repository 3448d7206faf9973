// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// device.h: the /dev/nsm ioctl ABI, mirrored from Linux include/uapi/linux/nsm.h (upstream
// since 6.8; Debian 12's linux-libc-dev 6.1 lacks it), and the test seam for the ioctl.
#ifndef NITRO_ATTEST_SRC_NSM_DEVICE_H_
#define NITRO_ATTEST_SRC_NSM_DEVICE_H_

#include <linux/ioctl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "nitro_attest/nsm.h"

namespace nitro_attest::nsm {

// struct nsm_iovec { __u64 addr; __u64 len; } (include/uapi/linux/nsm.h).
struct NsmIovec {
  uint64_t addr;  // user address of the buffer
  uint64_t len;   // its length; for the response, rewritten by the kernel to the bytes written
};

// struct nsm_raw { struct nsm_iovec request; struct nsm_iovec response; }.
struct NsmRaw {
  NsmIovec request;
  NsmIovec response;
};

static_assert(sizeof(NsmIovec) == 16);
static_assert(sizeof(NsmRaw) == 32);
static_assert(offsetof(NsmRaw, response) == 16);

// NSM_IOCTL_RAW = _IOWR(NSM_MAGIC 0x0A, 0, struct nsm_raw); the out-of-tree driver's
// NSM_IO_REQUEST has the same number.
inline constexpr unsigned long kNsmIoctlRaw = _IOWR(0x0A, 0, NsmRaw);
static_assert(kNsmIoctlRaw == 0xC0200A00UL);

// IoctlFn is the one system call the device transport makes; tests substitute a fake.
using IoctlFn = int (*)(int fd, unsigned long request, NsmRaw* raw);

// OpenNsmDeviceWithIoctl is OpenNsmDevice with the ioctl replaced; for tests only.
Result<std::unique_ptr<NsmTransport>> OpenNsmDeviceWithIoctl(const std::string& path,
                                                             IoctlFn ioctl_fn);

}  // namespace nitro_attest::nsm

#endif  // NITRO_ATTEST_SRC_NSM_DEVICE_H_
