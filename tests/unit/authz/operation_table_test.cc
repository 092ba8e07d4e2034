// The operation table against the IAM model and the README: every operation of the model is
// either in src/authz/operations.def or in the README's list of operations not implemented,
// never both, and the table names no operation the model lacks.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "authz/operation_table.h"
#include "protocol/model.h"

namespace gatehouse::authz {
namespace {

std::set<std::string> ReadmeNotImplemented() {
  std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  std::string readme = text.str();
  size_t start = readme.find("## IAM operations not implemented");
  size_t end = readme.find("\n## ", start + 1);
  std::string section = readme.substr(start, end - start);
  std::set<std::string> names;
  std::regex code("`([A-Z][A-Za-z]+)`");
  for (std::sregex_iterator it(section.begin(), section.end(), code), last; it != last; ++it) {
    names.insert((*it)[1]);
  }
  names.erase("NotImplemented");
  names.erase("GetMFADevice");  // named as absent from the model
  return names;
}

TEST(OperationTableTest, EveryIamOperationIsServedOrListedAsNotImplemented) {
  auto models = protocol::ModelRegistry::LoadEmbedded();
  ASSERT_TRUE(models.ok());
  const protocol::ServiceModel* iam = models->Find("iam");
  ASSERT_NE(iam, nullptr);
  std::set<std::string> listed = ReadmeNotImplemented();
  ASSERT_FALSE(listed.empty());
  for (const auto& [name, op] : iam->operations()) {
    bool served = FindOperationSpec("iam", name) != nullptr;
    bool not_implemented = listed.count(name) > 0;
    EXPECT_NE(served, not_implemented) << name;
  }
  for (const std::string& name : listed) {
    EXPECT_TRUE(iam->operations().count(name)) << name << " is not in the IAM model";
  }
}

}  // namespace
}  // namespace gatehouse::authz
