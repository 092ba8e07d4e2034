#include "app/policy_command.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "policy/parse.h"
#include "policy/simulate.h"

namespace gatehouse::app {
namespace {

constexpr int kExitInvalid = 1;
constexpr int kExitBadInput = 2;

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

int RunValidate(const std::string& kind_name, const std::string& path) {
  std::optional<policy::PolicyKind> kind = policy::PolicyKindFromName(kind_name);
  if (!kind) {
    std::cerr << "unknown kind " << kind_name
              << " (identity, resource, trust, scp, boundary, session)\n";
    return kExitBadInput;
  }
  std::string text;
  if (!ReadFile(path, text)) {
    std::cerr << "cannot read " << path << "\n";
    return kExitBadInput;
  }
  Result<policy::Document> doc = policy::ParsePolicy(text, *kind);
  if (!doc.ok()) {
    std::cout << doc.status().ToString() << "\n";
    return kExitInvalid;
  }
  std::cout << "valid\n";
  return 0;
}

int RunSimulate(const std::string& path, bool as_json) {
  std::string text;
  if (!ReadFile(path, text)) {
    std::cerr << "cannot read " << path << "\n";
    return kExitBadInput;
  }
  nlohmann::json request = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    std::cerr << path << " is not valid JSON\n";
    return kExitBadInput;
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  Result<policy::SimulateResult> result = policy::Simulate(request, now);
  if (!result.ok()) {
    std::cerr << path << ": " << result.status().message() << "\n";
    return kExitBadInput;
  }
  if (as_json) {
    std::cout << policy::SimulateResultToJson(*result).dump(2) << "\n";
  } else {
    std::cout << policy::SimulateResultToText(*result);
  }
  return 0;
}

}  // namespace

void AddPolicyCommand(CLI::App& app, int& exit_code) {
  CLI::App* policy = app.add_subcommand("policy", "Validate policies and simulate decisions");
  policy->require_subcommand(1);

  CLI::App* validate = policy->add_subcommand(
      "validate", "Check a policy document; print `valid` or AWS's error (exit 1)");
  auto kind = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  validate->add_option("--kind", *kind, "identity|resource|trust|scp|rcp|boundary|session")
      ->required();
  validate->add_option("FILE", *file, "policy document (JSON)")->required();
  validate->callback([&exit_code, kind, file] { exit_code = RunValidate(*kind, *file); });

  CLI::App* simulate = policy->add_subcommand(
      "simulate", "Evaluate one request (docs/policy-simulate.md) and explain the decision");
  auto request = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  simulate->add_option("REQUEST", *request, "request file (JSON)")->required();
  simulate->add_flag("--json", *as_json, "print the decision and explanation as JSON");
  simulate->callback(
      [&exit_code, request, as_json] { exit_code = RunSimulate(*request, *as_json); });
}

}  // namespace gatehouse::app
