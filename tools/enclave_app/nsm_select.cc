// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/enclave_app/nsm_select.h"

#include <iostream>
#include <string_view>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"
#include "tools/common/image.h"

namespace nitro_attest::cli {

void AddNsmOptions(CLI::App& app, NsmSelection* s) {
  const std::string group = "NSM selection";
  auto* device =
      app.add_option("--device", s->device, "NSM device (default /dev/nsm)")->group(group);
  auto* emulator =
      app.add_option("--emulator", s->emulator, "a running nsm-emulator: unix:PATH")->group(group);
  auto* emulate = app.add_flag("--emulate", s->emulate,
                               "INSECURE: use an in-process NSM emulator with fresh state")
                      ->group(group);
  device->excludes(emulator)->excludes(emulate);
  emulator->excludes(emulate);

  const std::string egroup = "In-process emulator (--emulate)";
  const auto add = [&](const char* name, std::string* field, const char* help) {
    app.add_option(name, *field, help)->group(egroup)->needs(emulate);
  };
  add("--emulate-pcr0", &s->pcr0, "PCR0 measurement, 96 hex digits");
  add("--emulate-pcr1", &s->pcr1, "PCR1 measurement, 96 hex digits");
  add("--emulate-pcr2", &s->pcr2, "PCR2 measurement, 96 hex digits");
  add("--emulate-pcr8", &s->pcr8, "PCR8 measurement, 96 hex digits (default zero)");
  add("--emulate-pcrs-from-eif", &s->pcrs_from_eif,
      "boot with the PCR0/1/2 (and PCR8 if signed) this enclave image measures to");
  add("--emulate-role", &s->role_arn, "parent IAM role ARN measured into PCR3");
  add("--emulate-instance-id", &s->instance_id, "parent instance id measured into PCR4");
  add("--emulate-module-id", &s->module_id, "module_id to report");
  add("--emulate-seed", &s->seed, "seed for reproducible keys and ids");
  add("--emulate-root-out", &s->root_out, "write the emulator's root certificate (PEM) here");
  app.add_flag("--emulate-definite-map", s->definite_map,
               "definite-length payload map (pre-2025 documents)")
      ->group(egroup)
      ->needs(emulate);
}

Result<std::unique_ptr<NsmClient>> OpenNsm(const NsmSelection& s) {
  if (!s.emulator.empty()) {
    constexpr std::string_view kScheme = "unix:";
    if (s.emulator.rfind(kScheme, 0) != 0 || s.emulator.size() == kScheme.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "--emulator takes unix:PATH");
    }
    NA_ASSIGN_OR_RETURN(auto transport, ConnectNsmEmulator(s.emulator.substr(kScheme.size())));
    return std::make_unique<NsmClient>(std::move(transport));
  }
  if (!s.emulate) {
    NA_ASSIGN_OR_RETURN(auto transport, OpenNsmDevice(s.device));
    return std::make_unique<NsmClient>(std::move(transport));
  }
  NsmEmulatorOptions options;
  NA_ASSIGN_OR_RETURN(options.pcr0, ParseBootPcr("--emulate-pcr0", s.pcr0));
  NA_ASSIGN_OR_RETURN(options.pcr1, ParseBootPcr("--emulate-pcr1", s.pcr1));
  NA_ASSIGN_OR_RETURN(options.pcr2, ParseBootPcr("--emulate-pcr2", s.pcr2));
  NA_ASSIGN_OR_RETURN(options.pcr8, ParseBootPcr("--emulate-pcr8", s.pcr8));
  if (!s.pcrs_from_eif.empty()) {
    if (!s.pcr0.empty() || !s.pcr1.empty() || !s.pcr2.empty() || !s.pcr8.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--emulate-pcrs-from-eif excludes --emulate-pcr0/1/2/8");
    }
    NA_TRY(BootPcrsFromEif(s.pcrs_from_eif, &options));
  }
  options.role_arn = s.role_arn;
  options.instance_id = s.instance_id;
  options.module_id = s.module_id;
  if (!s.seed.empty()) {
    options.seed = s.seed;
  }
  options.indefinite_payload_map = !s.definite_map;
  NA_ASSIGN_OR_RETURN(std::unique_ptr<NsmEmulator> emulator, NsmEmulator::Create(options));
  std::cerr << "enclave_app: using an in-process NSM emulator (INSECURE, for development)\n";
  if (!s.root_out.empty()) {
    // Written whole (renamed into place) before any command prints a document, so a verifier
    // that reads the document first then finds the complete root: the README's pipeline.
    NA_TRY(WriteFileAtomically(s.root_out, emulator->RootPem()));
  }
  // The handle shares the emulator's state, which lives as long as the client.
  return std::make_unique<NsmClient>(emulator->NewHandle());
}

}  // namespace nitro_attest::cli
