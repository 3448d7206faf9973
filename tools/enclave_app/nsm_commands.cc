// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// describe, pcr and random: thin JSON/hex front ends to NsmClient.
#include <iostream>

#include "nitro_attest/encoding.h"
#include "tools/common/cli.h"
#include "tools/enclave_app/commands.h"

namespace nitro_attest::cli {

void Fail(const Error& error, int* result) {
  PrintError("enclave_app", error);
  *result = ExitCodeFor(error);
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

void AddDescribeCommand(CLI::App& app, const NsmSelection* nsm, int* result) {
  auto* cmd = app.add_subcommand("describe", "DescribeNSM, as JSON");
  cmd->callback([nsm, result] {
    auto client = OpenNsm(*nsm);
    if (!client) {
      return Fail(client.error(), result);
    }
    auto d = (*client)->DescribeNsm();
    if (!d) {
      return Fail(d.error(), result);
    }
    PrintJson(
        {{"version", std::to_string(d->version_major) + "." + std::to_string(d->version_minor) +
                         "." + std::to_string(d->version_patch)},
         {"module_id", d->module_id},
         {"max_pcrs", d->max_pcrs},
         {"locked_pcrs", d->locked_pcrs},
         {"digest", d->digest}});
  });
}

void AddPcrCommand(CLI::App& app, const NsmSelection* nsm, int* result) {
  auto* pcr = app.add_subcommand("pcr", "read, extend or lock PCRs (JSON output)");
  pcr->require_subcommand(1);

  // The callbacks own the parsed values; CLI11 writes into them while parsing.
  struct Args {
    uint16_t index = 0;
    std::string data_hex;
    uint16_t range = 0;
  };
  const auto args = std::make_shared<Args>();

  const auto with_client = [nsm, result](auto&& body) {
    return [nsm, result, body] {
      auto client = OpenNsm(*nsm);
      if (!client) {
        return Fail(client.error(), result);
      }
      body(**client);
    };
  };

  auto* read = pcr->add_subcommand("read", "DescribePCR");
  read->add_option("INDEX", args->index, "PCR index")->required();
  read->callback(with_client([result, args](NsmClient& c) {
    const uint16_t index = args->index;
    auto r = c.DescribePcr(index);
    if (!r) {
      return Fail(r.error(), result);
    }
    PrintJson({{"index", index}, {"locked", r->locked}, {"value", HexEncode(r->value)}});
  }));

  auto* extend = pcr->add_subcommand("extend", "ExtendPCR: value = SHA-384(value || DATA)");
  extend->add_option("INDEX", args->index, "PCR index")->required();
  extend->add_option("HEX", args->data_hex, "data, in hex")->required();
  extend->callback([nsm, result, args] {
    const uint16_t index = args->index;
    // Bad hex is the caller's mistake: refuse it before touching the NSM.
    auto data = HexDecode(args->data_hex);
    if (!data) {
      return Fail(MakeError(data.error().code, "HEX: " + data.error().detail), result);
    }
    auto client = OpenNsm(*nsm);
    if (!client) {
      return Fail(client.error(), result);
    }
    auto r = (*client)->ExtendPcr(index, *data);
    if (!r) {
      return Fail(r.error(), result);
    }
    PrintJson({{"index", index}, {"value", HexEncode(*r)}});
  });

  auto* lock = pcr->add_subcommand("lock", "LockPCR: make one PCR read-only");
  lock->add_option("INDEX", args->index, "PCR index")->required();
  lock->callback(with_client([result, args](NsmClient& c) {
    if (auto s = c.LockPcr(args->index); !s) {
      return Fail(s.error(), result);
    }
    PrintJson({{"index", args->index}, {"locked", true}});
  }));

  auto* lock_range = pcr->add_subcommand("lock-range", "LockPCRs: lock PCRs [0, N)");
  lock_range->add_option("N", args->range, "number of PCRs from 0")->required();
  lock_range->callback(with_client([result, args](NsmClient& c) {
    if (auto s = c.LockPcrs(args->range); !s) {
      return Fail(s.error(), result);
    }
    PrintJson({{"range", args->range}, {"locked", true}});
  }));
}

void AddRandomCommand(CLI::App& app, const NsmSelection* nsm, int* result) {
  const auto count = std::make_shared<size_t>(256);
  auto* cmd = app.add_subcommand("random", "GetRandom: BYTES random bytes (default 256), in hex");
  cmd->add_option("BYTES", *count, "how many bytes (1..65536)")
      ->check(CLI::Range(size_t{1}, size_t{65536}));
  cmd->callback([nsm, result, count] {
    auto client = OpenNsm(*nsm);
    if (!client) {
      return Fail(client.error(), result);
    }
    // One GetRandom yields 256 bytes on a real NSM: ask as often as needed.
    Bytes out;
    while (out.size() < *count) {
      auto r = (*client)->GetRandom();
      if (!r) {
        return Fail(r.error(), result);
      }
      out.insert(out.end(), r->begin(), r->end());
    }
    out.resize(*count);
    std::cout << HexEncode(out) << "\n";
  });
}

}  // namespace nitro_attest::cli
