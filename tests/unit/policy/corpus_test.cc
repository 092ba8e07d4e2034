// Runs the table-driven corpora under tests/policy/ (format: tests/policy/FORMAT.md):
// decisions/*.json through Simulate, validation/*.json through ParsePolicy.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "policy/parse.h"
#include "policy/simulate.h"

namespace gatehouse::policy {
namespace {

using nlohmann::json;

// 2026-01-01T00:00:00Z: cases that need another time give aws:CurrentTime in their context.
constexpr int64_t kNow = 1767225600000;

// A case's JSON is shared, not copied: gtest copies each parameter several times while it
// registers the tests, in every run of the test binary (ctest starts one per test).
struct Case {
  std::string file;
  std::string name;
  std::shared_ptr<const json> data;
};

// Printed by file and name: test listings must not depend on anything but the corpus (the
// default prints the object's bytes, heap addresses included).
void PrintTo(const Case& c, std::ostream* out) { *out << c.file << ": " << c.name; }

std::vector<std::string> JsonFiles(const std::string& dir) {
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 5 && name.ends_with(".json")) files.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Case> LoadCases(const std::string& folder) {
  std::vector<Case> cases;
  for (const std::string& path : JsonFiles(std::string(GATEHOUSE_POLICY_CORPUS) + "/" + folder)) {
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    json file = json::parse(buf.str());  // a broken corpus file should fail loudly
    std::string base = path.substr(path.rfind('/') + 1);
    for (const json& c : file.at("cases")) {
      cases.push_back({base, c.at("name").get<std::string>(), std::make_shared<const json>(c)});
    }
  }
  return cases;
}

std::string TestName(const testing::TestParamInfo<Case>& info) {
  std::string name = info.param.file.substr(0, info.param.file.size() - 5) + "_" + info.param.name;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name + "_" + std::to_string(info.index);
}

class DecisionCorpus : public testing::TestWithParam<Case> {};

TEST_P(DecisionCorpus, MatchesExpectedDecision) {
  const json& c = *GetParam().data;
  Result<SimulateResult> result = Simulate(c.at("request"), kNow);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(DecisionName(result->decision), c.at("expect").get<std::string>())
      << "doc: " << c.value("doc", "") << "\n"
      << SimulateResultToText(*result);
  // Optionally, the layer that decided.
  if (c.contains("decidedBy")) {
    EXPECT_EQ(LayerName(result->explanation.decided_by), c.at("decidedBy").get<std::string>())
        << SimulateResultToText(*result);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, DecisionCorpus, testing::ValuesIn(LoadCases("decisions")),
                         TestName);

class ValidationCorpus : public testing::TestWithParam<Case> {};

TEST_P(ValidationCorpus, MatchesAwsAnswer) {
  const json& c = *GetParam().data;
  std::optional<PolicyKind> kind = PolicyKindFromName(c.at("kind").get<std::string>());
  ASSERT_TRUE(kind.has_value());
  const json& policy = c.at("policy");
  std::string text = policy.is_string() ? policy.get<std::string>() : policy.dump();
  Result<Document> doc = ParsePolicy(text, *kind);
  const json& expect = c.at("expect");
  if (expect.is_string()) {
    ASSERT_EQ(expect.get<std::string>(), "valid");
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  } else {
    ASSERT_FALSE(doc.ok()) << "expected " << expect.dump();
    EXPECT_EQ(doc.status().info().code, expect.at("code").get<std::string>());
    EXPECT_EQ(doc.status().message(), expect.at("message").get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, ValidationCorpus, testing::ValuesIn(LoadCases("validation")),
                         TestName);

TEST(CorpusSize, MeetsTheFloor) {
  EXPECT_GE(LoadCases("decisions").size(), 400u);
  EXPECT_GE(LoadCases("validation").size(), 80u);
}

}  // namespace
}  // namespace gatehouse::policy
