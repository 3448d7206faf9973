// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Which NSM a tool talks to: the device (default /dev/nsm), a running nsm-emulator
// (--emulator unix:PATH) or an in-process emulator with fresh state (--emulate). The emulator
// is only ever used when asked for; a missing /dev/nsm is an error, never a fallback.
#ifndef NITRO_ATTEST_TOOLS_ENCLAVE_APP_NSM_SELECT_H_
#define NITRO_ATTEST_TOOLS_ENCLAVE_APP_NSM_SELECT_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "nitro_attest/nsm.h"
#include "nitro_attest/result.h"

namespace nitro_attest::cli {

// NsmSelection holds the parsed selection options.
struct NsmSelection {
  std::string device = "/dev/nsm";
  std::string emulator;  // "unix:PATH"
  bool emulate = false;
  // In-process emulator settings (--emulate-*), as given on the command line.
  std::string pcr0, pcr1, pcr2, pcr8;  // 48-byte hex
  std::string pcrs_from_eif;           // an enclave image whose measurements to boot with
  std::string role_arn, instance_id, module_id, seed;
  std::string root_out;  // where to write the emulator's root certificate (PEM)
  bool definite_map = false;
};

// AddNsmOptions registers the selection options on `app` (the top-level app: they may be given
// before or, with fallthrough, after the subcommand).
void AddNsmOptions(CLI::App& app, NsmSelection* selection);

// OpenNsm returns a client on the selected NSM. Returns kInvalidArgument for bad emulator
// options, kDeviceError / kTransportError when the NSM cannot be reached, kIoError when the
// emulator root cannot be written.
Result<std::unique_ptr<NsmClient>> OpenNsm(const NsmSelection& selection);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_ENCLAVE_APP_NSM_SELECT_H_
