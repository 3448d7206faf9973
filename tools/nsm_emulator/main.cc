// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// nsm-emulator: an INSECURE software NSM served on a Unix socket, for development and tests.
// PCR state lives in this process, so it lasts across the enclave tools' commands as it does
// on a real enclave. SIGTERM or SIGINT stop it and remove the socket.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"
#include "tools/common/image.h"

namespace nitro_attest::cli {
namespace {

struct Args {
  std::string listen, root_out;
  std::string pcr0, pcr1, pcr2, pcr8;
  std::string pcrs_from_eif;
  std::string role_arn, instance_id, module_id, seed;
  bool definite_map = false;
};

// SocketPath takes the unix:PATH address the other tools use, or a bare path.
Result<std::string> SocketPath(const std::string& listen) {
  constexpr std::string_view kUnix = "unix:";
  if (listen.rfind(kUnix, 0) == 0) {
    if (listen.size() == kUnix.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "--listen unix: needs a path");
    }
    return listen.substr(kUnix.size());
  }
  if (listen.rfind("vsock:", 0) == 0 || listen.rfind("tcp:", 0) == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--listen: nsm-emulator serves on a Unix socket only (unix:PATH)");
  }
  if (listen.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "--listen needs unix:PATH");
  }
  return listen;
}

Status Serve(const Args& a) {
  NA_ASSIGN_OR_RETURN(const std::string path, SocketPath(a.listen));
  NsmEmulatorOptions options;
  NA_ASSIGN_OR_RETURN(options.pcr0, ParseBootPcr("--pcr0", a.pcr0));
  NA_ASSIGN_OR_RETURN(options.pcr1, ParseBootPcr("--pcr1", a.pcr1));
  NA_ASSIGN_OR_RETURN(options.pcr2, ParseBootPcr("--pcr2", a.pcr2));
  NA_ASSIGN_OR_RETURN(options.pcr8, ParseBootPcr("--pcr8", a.pcr8));
  if (!a.pcrs_from_eif.empty()) {
    NA_TRY(BootPcrsFromEif(a.pcrs_from_eif, &options));
  }
  options.role_arn = a.role_arn;
  options.instance_id = a.instance_id;
  options.module_id = a.module_id;
  if (!a.seed.empty()) {
    options.seed.emplace(a.seed);
  }
  options.indefinite_payload_map = !a.definite_map;
  NA_ASSIGN_OR_RETURN(std::unique_ptr<NsmEmulator> emulator, NsmEmulator::Create(options));
  if (!a.root_out.empty()) {
    NA_TRY(WriteFileAtomically(a.root_out, emulator->RootPem()));
  }
  const std::string module_id = emulator->module_id();

  // Block the stop signals in every thread (the server's workers inherit the mask) and take
  // them synchronously below.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a vanished client is an error on its connection only

  NA_ASSIGN_OR_RETURN(
      std::unique_ptr<Server> server,
      ServeNsmEmulator(std::shared_ptr<NsmTransport>(std::move(emulator)), path));
  std::cerr << "nsm-emulator: INSECURE emulator listening on unix:" << path << " (module_id "
            << module_id << ")" << std::endl;
  int sig = 0;
  while (sigwait(&stop, &sig) != 0) {
  }
  std::cerr << "nsm-emulator: stopping on signal " << sig << std::endl;
  server->Shutdown();  // the listener removes the socket file when destroyed
  return {};
}

}  // namespace
}  // namespace nitro_attest::cli

int main(int argc, char** argv) {
  using nitro_attest::cli::Args;
  CLI::App app("nsm-emulator: an INSECURE software NSM on a Unix socket (development only)",
               "nsm-emulator");
  Args args;
  app.add_option("--listen", args.listen, "Unix socket to serve on: unix:PATH (or a bare PATH)")
      ->required();
  app.add_option("--root-out", args.root_out, "write the emulator's root certificate (PEM) here");
  app.add_option("--pcr0", args.pcr0, "PCR0 measurement, 96 hex digits");
  app.add_option("--pcr1", args.pcr1, "PCR1 measurement, 96 hex digits");
  app.add_option("--pcr2", args.pcr2, "PCR2 measurement, 96 hex digits");
  app.add_option("--pcr8", args.pcr8, "PCR8 measurement, 96 hex digits (default zero)");
  app.add_option("--pcrs-from-eif", args.pcrs_from_eif,
                 "Emulator only: boot with the PCR0/1/2 (and PCR8 if signed) this enclave image "
                 "measures to, as a Nitro enclave running it would have")
      ->excludes("--pcr0")
      ->excludes("--pcr1")
      ->excludes("--pcr2")
      ->excludes("--pcr8");
  app.add_option("--role", args.role_arn, "parent IAM role ARN measured into PCR3");
  app.add_option("--instance-id", args.instance_id, "parent instance id measured into PCR4");
  app.add_option("--module-id", args.module_id, "module_id to report");
  app.add_option("--seed", args.seed, "seed for reproducible keys and ids");
  app.add_flag("--definite-map", args.definite_map,
               "definite-length payload map (pre-2025 documents)");
  int result = nitro_attest::cli::kExitOk;
  app.callback([&] {
    if (auto s = nitro_attest::cli::Serve(args); !s) {
      nitro_attest::cli::PrintError("nsm-emulator", s.error());
      result = nitro_attest::cli::ExitCodeFor(s.error());
    }
  });
  return nitro_attest::cli::Run(app, argc, argv, result);
}
